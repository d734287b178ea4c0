// An in-test OCI distribution registry on 127.0.0.1 (node:http) with switchable misbehaviour:
// Basic or Bearer auth (serving its own token endpoint), truncated/corrupted/mis-sized blobs, and
// a request log. Pull and push both work against it.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  /** Bearer tokens from /token. With credentials, only they get a token; `refreshToken` enables the OAuth POST. */
  | { kind: 'bearer'; username?: string; password?: string; refreshToken?: string; tokenField?: 'token' | 'access_token' };

/** `redirect`: 307 to the same server under another origin (localhost), as registries do to storage hosts. */
export type BlobFault = 'truncate' | 'corrupt' | 'short-length' | 'missing' | 'redirect' | 'stall';

export interface LoggedRequest {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
  contentType?: string;
}

export class FakeRegistry {
  readonly manifests = new Map<string, { body: Buffer; contentType: string }>();
  readonly blobs = new Map<string, Buffer>();
  readonly faults = new Map<string, BlobFault>();
  readonly requests: LoggedRequest[] = [];
  readonly tokenRequests: { method: string; url: string; authorization?: string; form?: string }[] = [];
  readonly storageRequests: { url: string; authorization?: string }[] = [];
  auth: FakeAuth = { kind: 'none' };
  private readonly uploads = new Map<string, Buffer[]>();
  private readonly issued = new Set<string>();
  private server: http.Server | undefined;

  get host(): string {
    return `127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  addBlob(data: Buffer): string {
    const digest = sha256(data);
    this.blobs.set(digest, data);
    return digest;
  }

  /** Stores a manifest under `tag` (if given) and under its digest; returns the digest. */
  addManifest(repo: string, tag: string | undefined, body: Buffer, contentType: string): string {
    const digest = sha256(body);
    this.manifests.set(`${repo}@${digest}`, { body, contentType });
    if (tag) this.manifests.set(`${repo}:${tag}`, { body, contentType });
    return digest;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    const auth = req.headers.authorization;
    if (url.pathname === '/token') return this.token(req, res, url);
    const stored = /^\/storage\/(.+)$/.exec(url.pathname);
    if (stored) {
      this.storageRequests.push({ url: url.pathname, authorization: auth });
      const data = this.blobs.get(stored[1] ?? '');
      res.writeHead(data ? 200 : 404, { 'content-length': data?.length ?? 0 });
      return void res.end(data);
    }
    this.requests.push({ method: req.method ?? '', url: url.pathname + url.search, authorization: auth, accept: req.headers.accept, contentType: req.headers['content-type'] });
    const body = await readAll(req);
    const scopeRepo = /^\/v2\/(.+?)\/(?:manifests|blobs)\//.exec(url.pathname)?.[1] ?? /^\/upload\/([^/]+)/.exec(url.pathname)?.[1] ?? '';
    if (!this.authorized(auth)) return this.challenge(res, scopeRepo, req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'pull,push');

    if (url.pathname === '/v2/' || url.pathname === '/v2') return json(res, 200, {});
    let m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const [, repo = '', ref = ''] = m;
      const key = ref.includes(':') ? `${repo}@${ref}` : `${repo}:${ref}`;
      if (req.method === 'PUT') {
        const digest = this.addManifest(repo, ref.includes(':') ? undefined : ref, body, req.headers['content-type'] ?? '');
        res.writeHead(201, { 'docker-content-digest': digest, location: `/v2/${repo}/manifests/${digest}` });
        return void res.end();
      }
      const found = this.manifests.get(key);
      if (!found) {
        const code = [...this.manifests.keys()].some((k) => k.startsWith(`${repo}:`) || k.startsWith(`${repo}@`)) ? 'MANIFEST_UNKNOWN' : 'NAME_UNKNOWN';
        return json(res, 404, { errors: [{ code, message: code === 'MANIFEST_UNKNOWN' ? 'manifest unknown' : 'repository name not known to registry' }] });
      }
      res.writeHead(200, { 'content-type': found.contentType, 'content-length': found.body.length, 'docker-content-digest': sha256(found.body) });
      return void res.end(req.method === 'HEAD' ? undefined : found.body);
    }
    m = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      const id = randomUUID();
      this.uploads.set(id, []);
      res.writeHead(202, { location: `/upload/${encodeURIComponent(m[1] ?? '')}/${id}?_state=x`, 'docker-upload-uuid': id });
      return void res.end();
    }
    m = /^\/upload\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const id = m[2] ?? '';
      const parts = this.uploads.get(id);
      if (!parts) return json(res, 404, { errors: [{ code: 'BLOB_UPLOAD_UNKNOWN', message: 'blob upload unknown' }] });
      parts.push(body);
      if (req.method === 'PATCH') {
        res.writeHead(202, { location: `/upload/${m[1]}/${id}?_state=y`, range: `0-${Buffer.concat(parts).length - 1}` });
        return void res.end();
      }
      if (req.method === 'PUT') {
        const data = Buffer.concat(parts);
        const digest = url.searchParams.get('digest') ?? '';
        this.uploads.delete(id);
        if (sha256(data) !== digest) return json(res, 400, { errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }] });
        this.blobs.set(digest, data);
        res.writeHead(201, { 'docker-content-digest': digest });
        return void res.end();
      }
      if (req.method === 'DELETE') {
        this.uploads.delete(id);
        res.writeHead(204);
        return void res.end();
      }
    }
    m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(url.pathname);
    if (m) return this.blob(req, res, m[2] ?? '');
    json(res, 404, { errors: [{ code: 'UNSUPPORTED', message: `no route ${req.method} ${url.pathname}` }] });
  }

  private blob(req: http.IncomingMessage, res: http.ServerResponse, digest: string): void {
    const data = this.blobs.get(digest);
    const fault = this.faults.get(digest);
    if (!data || fault === 'missing') return json(res, 404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] });
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': data.length, 'docker-content-digest': digest });
      return void res.end();
    }
    if (fault === 'redirect') {
      res.writeHead(307, { location: `http://localhost:${(this.server?.address() as AddressInfo).port}/storage/${digest}` });
      return void res.end();
    }
    if (fault === 'truncate') {
      res.writeHead(200, { 'content-length': data.length, 'content-type': 'application/octet-stream' });
      res.write(data.subarray(0, Math.floor(data.length / 2)), () => res.destroy());
      return;
    }
    if (fault === 'stall') {
      res.writeHead(200, { 'content-length': data.length });
      res.write(data.subarray(0, 1));
      return;
    }
    if (fault === 'short-length') {
      res.writeHead(200, { 'content-length': data.length - 1 });
      return void res.end(data.subarray(0, data.length - 1));
    }
    const body = fault === 'corrupt' ? Buffer.from(data.map((b, i) => (i === 0 ? b ^ 0xff : b))) : data;
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    res.end(body);
  }

  private authorized(header: string | undefined): boolean {
    const a = this.auth;
    if (a.kind === 'none') return true;
    if (a.kind === 'basic') return header === basic(a.username, a.password);
    return header !== undefined && header.startsWith('Bearer ') && this.issued.has(header.slice('Bearer '.length));
  }

  private challenge(res: http.ServerResponse, repo: string, actions: string): void {
    const a = this.auth;
    const value =
      a.kind === 'basic'
        ? 'Basic realm="fake-registry"'
        : `Bearer realm="http://${this.host}/token",service="fake-registry"${repo ? `,scope="repository:${decodeURIComponent(repo)}:${actions}"` : ''}`;
    res.writeHead(401, { 'www-authenticate': value, 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
  }

  private async token(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const form = (await readAll(req)).toString();
    this.tokenRequests.push({ method: req.method ?? '', url: url.pathname + url.search, authorization: req.headers.authorization, form: form || undefined });
    const a = this.auth;
    if (a.kind !== 'bearer') return json(res, 404, {});
    if (req.method === 'POST') {
      const params = new URLSearchParams(form);
      if (!a.refreshToken || params.get('grant_type') !== 'refresh_token' || params.get('refresh_token') !== a.refreshToken) {
        return json(res, 401, { error: 'invalid refresh token' });
      }
    } else if (a.username && req.headers.authorization !== basic(a.username, a.password ?? '')) {
      return json(res, 401, { details: 'incorrect username or password' });
    }
    const token = `tok-${randomUUID()}`;
    this.issued.add(token);
    json(res, 200, { [a.tokenField ?? 'token']: token, expires_in: 300 });
  }
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length });
  res.end(data);
}

async function readAll(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
