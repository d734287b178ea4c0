// The user's own repositories on registries that offer no catalog to their users: Docker Hub (its web
// API: a JWT from POST /v2/users/login, then GET /v2/repositories/{namespace}/ paged by `next`, for the
// user and each of their organizations) and GitHub Container Registry (GitHub's REST API:
// GET /user/packages?package_type=container paged by the Link header, with the login's password, which
// for ghcr.io is a token with read:packages). The APIs' base URLs are injectable so tests run them
// against a local fake. Errors say what to do: a refused login, a token without the scope, a rate
// limit with the time to wait. No VS Code imports.
import type { AuthConfig } from './auth-config.js';
import { RegistryError, type Page } from './registry-client.js';
import { send, type HttpReply } from './registry-http.js';
import { DOCKER_HUB } from './registry-names.js';

export const GHCR = 'ghcr.io';

export interface NamespaceApis {
  /** Docker Hub's web API; default https://hub.docker.com. */
  hub: string;
  /** GitHub's REST API; default https://api.github.com. */
  github: string;
}

export const DEFAULT_APIS: NamespaceApis = { hub: 'https://hub.docker.com', github: 'https://api.github.com' };

/** Whether Berth lists the user's own repositories for this registry (instead of a catalog). */
export function listsNamespaces(registry: string): boolean {
  return registry === DOCKER_HUB || registry === GHCR;
}

const PAGE_SIZE = 100;
const MAX_BODY = 4 * 1024 * 1024;

/** Where the next page comes from: a URL of the namespace being read, then the namespaces still to read. */
interface Cursor {
  url?: string;
  namespaces: string[];
}

export class NamespaceLister {
  /** Docker Hub JWTs by username, reused until the API refuses one. */
  private readonly hubTokens = new Map<string, string>();

  constructor(private readonly apis: NamespaceApis = DEFAULT_APIS) {}

  /** A page of `owner/name` repositories; `next` is opaque, for the following call. */
  async repositories(registry: string, creds: AuthConfig | undefined, next?: string): Promise<Page<string>> {
    if (registry === DOCKER_HUB) return this.hub(creds, next);
    if (registry === GHCR) return this.github(creds, next);
    throw new RegistryError(`Berth lists the own repositories of docker.io and ghcr.io only, not of ${registry}.`);
  }

  private async hub(creds: AuthConfig | undefined, next?: string): Promise<Page<string>> {
    if (!creds?.username || !creds.password) {
      throw new RegistryError('Listing your Docker Hub repositories needs a login with a username and a password or personal access token ("Berth: Log In to Registry"); or add one by name (Add Repository...).', 401);
    }
    const username = creds.username;
    let cursor: Cursor;
    if (next) cursor = JSON.parse(next) as Cursor;
    else cursor = { namespaces: [username.toLowerCase(), ...(await this.hubOrganizations(creds))] };
    if (!cursor.url) {
      const ns = cursor.namespaces.shift();
      if (!ns) return { items: [] };
      cursor.url = new URL(`/v2/repositories/${encodeURIComponent(ns)}/?page_size=${PAGE_SIZE}`, this.apis.hub).toString();
    }
    sameOrigin(cursor.url, this.apis.hub, 'Docker Hub');
    const reply = await this.hubGet(creds, cursor.url);
    const body = parseJson(reply, 'Docker Hub') as { next?: unknown; results?: unknown };
    if (!Array.isArray(body.results)) throw new RegistryError("Docker Hub's repository list has no `results` (not the shape its API documents).");
    const items = (body.results as { name?: unknown; namespace?: unknown }[])
      .filter((r) => typeof r.name === 'string' && typeof r.namespace === 'string')
      .map((r) => `${r.namespace as string}/${r.name as string}`);
    const following: Cursor = { url: typeof body.next === 'string' && body.next ? body.next : undefined, namespaces: cursor.namespaces };
    return { items, next: following.url || following.namespaces.length ? JSON.stringify(following) : undefined };
  }

  /** The organizations the user belongs to (their repositories are the user's too); none when the API says no. */
  private async hubOrganizations(creds: AuthConfig): Promise<string[]> {
    const names: string[] = [];
    let url: string | undefined = new URL(`/v2/user/orgs/?page_size=${PAGE_SIZE}`, this.apis.hub).toString();
    for (let pages = 0; url && pages < 10; pages++) {
      sameOrigin(url, this.apis.hub, 'Docker Hub');
      let reply: HttpReply;
      try {
        reply = await this.hubGet(creds, url);
      } catch (err) {
        // A rate limit or a refused login matters; an account that may not list organizations does not.
        if (err instanceof RegistryError && (err.status === 429 || err.status === 401)) throw err;
        return names;
      }
      const body = parseJson(reply, 'Docker Hub') as { next?: unknown; results?: { orgname?: unknown }[] };
      for (const o of Array.isArray(body.results) ? body.results : []) if (typeof o.orgname === 'string') names.push(o.orgname.toLowerCase());
      url = typeof body.next === 'string' && body.next ? body.next : undefined;
    }
    return names;
  }

  /** A GET with the user's JWT: logs in first, and once more when the API refuses an old token. */
  private async hubGet(creds: AuthConfig, url: string): Promise<HttpReply> {
    for (let attempt = 0; ; attempt++) {
      const token = this.hubTokens.get(creds.username!) ?? (await this.hubLogin(creds));
      const reply = await get(new URL(url), { Authorization: `Bearer ${token}`, Accept: 'application/json' }, 'Docker Hub');
      if (reply.status === 401 && attempt === 0) {
        this.hubTokens.delete(creds.username!);
        continue;
      }
      checkHub(reply, 'list repositories');
      return reply;
    }
  }

  private async hubLogin(creds: AuthConfig): Promise<string> {
    const url = new URL('/v2/users/login', this.apis.hub);
    let reply: HttpReply;
    try {
      reply = await send(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ username: creds.username, password: creds.password }), maxBytes: MAX_BODY });
    } catch (err) {
      throw new RegistryError(`Could not reach Docker Hub's API at ${url.host}: ${(err as Error).message}.`);
    }
    if (reply.status === 401) {
      const body = tryJson(reply) as { detail?: unknown; login_2fa_token?: unknown } | undefined;
      if (body?.login_2fa_token) throw new RegistryError(`Docker Hub wants a second factor for ${creds.username}: log in with a personal access token as the password instead ("Berth: Log In to Registry").`, 401);
      throw new RegistryError(`Docker Hub refused the login of ${creds.username}${typeof body?.detail === 'string' ? ` (${body.detail})` : ''}: log in again with "Berth: Log In to Registry" (a personal access token works as the password).`, 401);
    }
    checkHub(reply, 'log in');
    const token = (parseJson(reply, 'Docker Hub') as { token?: unknown }).token;
    if (typeof token !== 'string' || !token) throw new RegistryError("Docker Hub's login answer has no token.");
    this.hubTokens.set(creds.username!, token);
    return token;
  }

  private async github(creds: AuthConfig | undefined, next?: string): Promise<Page<string>> {
    const token = creds?.password ?? creds?.identitytoken;
    if (!token) {
      throw new RegistryError('Listing your ghcr.io packages needs a login whose password is a GitHub token with the read:packages scope ("Berth: Log In to Registry"); or add one by name (Add Repository...).', 401);
    }
    const url = next ? new URL(sameOrigin(next, this.apis.github, 'GitHub')) : new URL(`/user/packages?package_type=container&per_page=${PAGE_SIZE}`, this.apis.github);
    const reply = await get(url, { Authorization: `Bearer ${token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' }, 'GitHub');
    checkGithub(reply, creds?.username);
    const body = parseJsonValue(reply, 'GitHub');
    if (!Array.isArray(body)) throw new RegistryError("GitHub's package list is not the array its API documents.");
    const items = (body as { name?: unknown; owner?: { login?: unknown } }[])
      .filter((p) => typeof p.name === 'string' && typeof p.owner?.login === 'string')
      .map((p) => `${(p.owner!.login as string).toLowerCase()}/${p.name as string}`);
    return { items, next: nextLink(reply.headers.link) };
  }
}

/** A next-page URL is followed (with the token) only on the API's own host. */
function sameOrigin(url: string, base: string, api: string): string {
  if (new URL(url).origin !== new URL(base).origin) throw new RegistryError(`${api}'s API pointed the next page at another host (${new URL(url).host}); Berth does not send your token there.`);
  return url;
}

async function get(url: URL, headers: Record<string, string>, api: string): Promise<HttpReply> {
  try {
    return await send(url, { headers, maxBytes: MAX_BODY });
  } catch (err) {
    throw new RegistryError(`Could not reach ${api}'s API at ${url.host}: ${(err as Error).message}.`);
  }
}

function header(reply: HttpReply, name: string): string | undefined {
  const v = reply.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** "try again in 42 s" from Retry-After (seconds) or a reset time (unix seconds). */
function waitText(reply: HttpReply): string {
  const retry = Number(header(reply, 'retry-after'));
  if (Number.isFinite(retry) && retry > 0) return `try again in ${Math.ceil(retry)} s`;
  const reset = Number(header(reply, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return `try again after ${new Date(reset * 1000).toLocaleTimeString()}`;
  return 'try again later';
}

function checkHub(reply: HttpReply, what: string): void {
  if (reply.status >= 200 && reply.status < 300) return;
  if (reply.status === 429) throw new RegistryError(`Docker Hub's API is rate limited for now (HTTP 429): ${waitText(reply)}, then refresh.`, 429);
  const body = tryJson(reply) as { detail?: unknown; message?: unknown } | undefined;
  const detail = typeof body?.detail === 'string' ? body.detail : typeof body?.message === 'string' ? body.message : '';
  if (reply.status === 401 || reply.status === 403) throw new RegistryError(`Docker Hub refused to ${what}${detail ? ` (${detail})` : ''}: log in again with "Berth: Log In to Registry".`, reply.status);
  if (reply.status === 404) throw new RegistryError(`Docker Hub has no such namespace${detail ? ` (${detail})` : ''}.`, 404);
  throw new RegistryError(`Docker Hub could not ${what} (HTTP ${reply.status})${detail ? `: ${detail}` : ''}.`, reply.status);
}

function checkGithub(reply: HttpReply, username: string | undefined): void {
  if (reply.status >= 200 && reply.status < 300) return;
  const body = tryJson(reply) as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : '';
  // GitHub says a rate limit with 403 or 429 and x-ratelimit-remaining: 0 (or a Retry-After for its secondary limits).
  if (reply.status === 429 || (reply.status === 403 && (header(reply, 'x-ratelimit-remaining') === '0' || header(reply, 'retry-after') !== undefined))) {
    throw new RegistryError(`GitHub's API is rate limited for this token (HTTP ${reply.status}${message ? `: ${message}` : ''}): ${waitText(reply)}, then refresh.`, 429);
  }
  if (reply.status === 401) throw new RegistryError(`GitHub refused the token of the ghcr.io login${username ? ` (${username})` : ''}${message ? ` (${message})` : ''}: log in to ghcr.io again with a token that has the read:packages scope.`, 401);
  if (reply.status === 403) throw new RegistryError(`The token of the ghcr.io login may not list packages${message ? ` (${message})` : ''}: it needs the read:packages scope.`, 403);
  throw new RegistryError(`GitHub could not list your packages (HTTP ${reply.status})${message ? `: ${message}` : ''}.`, reply.status);
}

/** The next page's URL from `Link: <https://api.github.com/user/packages?page=2>; rel="next", ...`. */
export function nextLink(link: string | string[] | undefined): string | undefined {
  const text = Array.isArray(link) ? link.join(',') : link;
  if (!text) return undefined;
  for (const part of text.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2].split(/\s+/).includes('next')) return m[1];
  }
  return undefined;
}

function tryJson(reply: HttpReply): unknown {
  try {
    return JSON.parse(reply.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function parseJsonValue(reply: HttpReply, api: string): unknown {
  const v = tryJson(reply);
  if (v === undefined) throw new RegistryError(`${api}'s API answered with something that is not JSON (Content-Type ${header(reply, 'content-type') ?? 'none'}, ${reply.body.length} bytes).`);
  return v;
}

function parseJson(reply: HttpReply, api: string): Record<string, unknown> {
  const v = parseJsonValue(reply, api);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new RegistryError(`${api}'s API answered with JSON of another shape than it documents.`);
  return v as Record<string, unknown>;
}
