// A small client of the OCI distribution (registry v2) API for the Registries view: repositories
// (the catalog, paged), tags (paged), a tag's manifest (digest, size, platforms) and config (age),
// deleting a manifest. Basic and token auth as registries challenge for them, with the credentials
// Berth sends to engines (registry-credentials.ts). Every answer is checked for the shape the API
// specifies, whatever its Content-Type says. No VS Code imports.
import type { AuthConfig } from './auth-config.js';
import { baseUrlOf, send, type HttpReply } from './registry-http.js';

export class RegistryError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  /** Where the next page starts (the `last` the registry's Link header gives), if there is one. */
  next?: string;
}

export interface TagDetails {
  digest?: string;
  mediaType?: string;
  /** Bytes of config and layers (one platform's, for an index the sum over its manifests' sizes is unknown). */
  size?: number;
  created?: string;
  /** For a multi-platform index: `linux/amd64`, ... */
  platforms?: string[];
  /** The manifest as the registry sent it, for Inspect Manifest. */
  manifest: unknown;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://auth",service="registry",scope="repository:a:pull"` → scheme and params. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^(\w+)\s*(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"|(\w+)=([^,\s]*)/g)) params[(p[1] ?? p[3]).toLowerCase()] = p[2] ?? p[4];
  return { scheme: m[1].toLowerCase(), params };
}

/** The `last`/`n` of the next page from a `Link: </v2/_catalog?last=x&n=100>; rel="next"` header. */
export function nextFromLink(link: string | string[] | undefined): string | undefined {
  const text = Array.isArray(link) ? link.join(',') : link;
  const m = text ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(text) : null;
  if (!m) return undefined;
  return new URL(m[1], 'http://x').searchParams.get('last') ?? undefined;
}

export class RegistryClient {
  private base: Promise<URL> | undefined;
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly registry: string,
    /** The credentials for this registry, read when a registry asks for them. */
    private readonly credentials: () => Promise<AuthConfig | undefined>,
  ) {}

  private baseUrl(): Promise<URL> {
    this.base ??= baseUrlOf(this.registry).catch((err: unknown) => {
      this.base = undefined;
      throw new RegistryError(`Could not reach ${this.registry}: ${(err as Error).message}.`);
    });
    return this.base;
  }

  /** One request with auth: answers a 401 challenge once (basic, or a token for its scope). */
  private async request(path: string, scope: string, opts: { method?: string; accept?: string; maxBytes?: number } = {}): Promise<HttpReply> {
    const url = new URL(path, await this.baseUrl());
    const headers: Record<string, string> = {};
    if (opts.accept) headers.Accept = opts.accept;
    const cached = this.tokens.get(scope);
    if (cached) headers.Authorization = cached;
    let reply = await this.send(url, { method: opts.method, headers, maxBytes: opts.maxBytes });
    if (reply.status !== 401) return reply;
    const auth = await this.authorize(parseChallenge(first(reply.headers['www-authenticate'])), scope);
    if (!auth) return reply;
    this.tokens.set(scope, auth);
    reply = await this.send(url, { method: opts.method, headers: { ...headers, Authorization: auth }, maxBytes: opts.maxBytes });
    return reply;
  }

  private async send(url: URL, req: Parameters<typeof send>[1]): Promise<HttpReply> {
    try {
      return await send(url, req);
    } catch (err) {
      throw new RegistryError(`Could not reach ${this.registry}: ${(err as Error).message}.`);
    }
  }

  private async authorize(challenge: Challenge | undefined, scope: string): Promise<string | undefined> {
    const creds = await this.credentials();
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      if (!creds?.username) return undefined;
      return `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return undefined;
    const realm = new URL(challenge.params.realm);
    const wanted = challenge.params.scope ?? scope;
    let reply: HttpReply;
    try {
      if (creds?.identitytoken) {
        // An identity token from a login is an OAuth refresh token: traded at the realm, as the CLI does.
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identitytoken, client_id: 'berth', service: challenge.params.service ?? '', scope: wanted });
        reply = await send(realm, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString(), maxBytes: 1024 * 1024 });
      } else {
        if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
        if (wanted) realm.searchParams.set('scope', wanted);
        const headers: Record<string, string> = creds?.username ? { Authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}` } : {};
        reply = await send(realm, { headers, maxBytes: 1024 * 1024 });
      }
    } catch (err) {
      throw new RegistryError(`Could not get a token for ${this.registry} from ${realm.host}: ${(err as Error).message}.`);
    }
    if (reply.status === 401 || reply.status === 403) throw new RegistryError(refusal(this.registry, creds), reply.status);
    if (reply.status !== 200) throw new RegistryError(`${realm.host} refused a token for ${this.registry} (HTTP ${reply.status}).`, reply.status);
    const body = json(reply, 'token') as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new RegistryError(`${realm.host} answered the token request for ${this.registry} without a token.`);
    return `Bearer ${token}`;
  }

  private check(reply: HttpReply, what: string): void {
    if (reply.status >= 200 && reply.status < 300) return;
    const detail = errorText(reply);
    if (reply.status === 401 || reply.status === 403) throw new RegistryError(`${this.registry} refused to ${what}${detail}. ${'Log in with "Berth: Log In to Registry" (or check the account may read it), then refresh.'}`, reply.status);
    if (reply.status === 404) throw new RegistryError(`${this.registry} found nothing when asked to ${what}${detail}: check the name, and refresh.`, 404);
    if (reply.status === 405 && what.startsWith('delete')) throw new RegistryError(`${this.registry} does not allow deleting${detail} (a distribution registry needs storage.delete.enabled).`, 405);
    throw new RegistryError(`${this.registry} could not ${what} (HTTP ${reply.status})${detail}.`, reply.status);
  }

  /** Repository names from the catalog; a RegistryError with status 404/401 when the registry offers none. */
  async repositories(last?: string, n = 100): Promise<Page<string>> {
    const q = new URLSearchParams({ n: String(n) });
    if (last) q.set('last', last);
    const reply = await this.request(`/v2/_catalog?${q}`, 'registry:catalog:*');
    this.check(reply, 'list its repositories');
    const body = json(reply, 'catalog') as { repositories?: unknown };
    if (!Array.isArray(body.repositories) || !body.repositories.every((r) => typeof r === 'string')) throw shapeError(this.registry, 'catalog');
    return { items: body.repositories as string[], next: nextFromLink(reply.headers.link) };
  }

  async tags(repository: string, last?: string, n = 100): Promise<Page<string>> {
    const q = new URLSearchParams({ n: String(n) });
    if (last) q.set('last', last);
    const reply = await this.request(`/v2/${repository}/tags/list?${q}`, `repository:${repository}:pull`);
    this.check(reply, `list the tags of ${repository}`);
    const body = json(reply, 'tag list') as { tags?: unknown };
    // A repository whose tags were all deleted answers `"tags": null`.
    if (body.tags !== null && body.tags !== undefined && !(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string'))) throw shapeError(this.registry, 'tag list');
    return { items: (body.tags as string[] | null) ?? [], next: nextFromLink(reply.headers.link) };
  }

  async tagDetails(repository: string, tag: string): Promise<TagDetails> {
    const reply = await this.request(`/v2/${repository}/manifests/${encodeURIComponent(tag)}`, `repository:${repository}:pull`, { accept: MANIFEST_TYPES, maxBytes: 4 * 1024 * 1024 });
    this.check(reply, `read ${repository}:${tag}`);
    const manifest = json(reply, 'manifest') as {
      mediaType?: string; config?: { digest?: string; size?: number }; layers?: { size?: number }[];
      manifests?: { platform?: { os?: string; architecture?: string; variant?: string } }[];
    };
    const digest = first(reply.headers['docker-content-digest']);
    const mediaType = manifest.mediaType ?? first(reply.headers['content-type']);
    if (Array.isArray(manifest.manifests)) {
      const platforms = manifest.manifests.map((m) => [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/')).filter((p) => p && p !== 'unknown/unknown');
      return { digest, mediaType, platforms, manifest };
    }
    if (!manifest.config || !Array.isArray(manifest.layers)) throw shapeError(this.registry, `manifest of ${repository}:${tag}`);
    const size = (manifest.config.size ?? 0) + manifest.layers.reduce((s, l) => s + (typeof l.size === 'number' ? l.size : 0), 0);
    let created: string | undefined;
    if (manifest.config.digest) {
      const config = await this.request(`/v2/${repository}/blobs/${manifest.config.digest}`, `repository:${repository}:pull`, { maxBytes: 4 * 1024 * 1024 }).catch(() => undefined);
      if (config && config.status === 200) {
        try {
          const c = JSON.parse(config.body.toString('utf8')) as { created?: unknown };
          if (typeof c.created === 'string') created = c.created;
        } catch {
          // An unreadable config costs the age column, not the tag.
        }
      }
    }
    return { digest, mediaType, size, created, manifest };
  }

  /** Deletes the manifest a tag points at (the registry removes every tag of that digest). */
  async deleteManifest(repository: string, digest: string): Promise<void> {
    const reply = await this.request(`/v2/${repository}/manifests/${digest}`, `repository:${repository}:delete,pull`, { method: 'DELETE' });
    this.check(reply, `delete ${repository}@${digest}`);
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function json(reply: HttpReply, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(reply.body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new RegistryError(`The registry's ${what} is not the JSON the distribution API specifies (Content-Type ${first(reply.headers['content-type']) ?? 'none'}, ${reply.body.length} bytes).`);
}

function shapeError(registry: string, what: string): RegistryError {
  return new RegistryError(`${registry} sent a ${what} without the fields the distribution API specifies.`);
}

function errorText(reply: HttpReply): string {
  try {
    const body = JSON.parse(reply.body.toString('utf8')) as { errors?: { message?: string }[] };
    const msg = body.errors?.map((e) => e.message).filter(Boolean).join('; ');
    return msg ? `: ${msg}` : '';
  } catch {
    return '';
  }
}

function refusal(registry: string, creds: AuthConfig | undefined): string {
  return creds?.username
    ? `${registry} refused the credentials of ${creds.username}: log in again with "Berth: Log In to Registry".`
    : `${registry} wants a login: log in with "Berth: Log In to Registry", then refresh.`;
}
