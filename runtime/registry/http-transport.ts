// HTTP for one registry operation on node:http/https: keep-alive sockets, a connect timeout so an
// unreachable registry fails fast instead of hanging, an idle timeout for stalled transfers,
// redirects for body-less requests (blob downloads often redirect to a storage host), and
// streaming bodies both ways. Network failures become RegistryError('unavailable').
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { RegistryError } from './errors.js';
import { isLoopback } from './endpoint.js';
import { rootlessMode } from '../rootless/mode.js';
import { connectThroughLoopbackProxy, isLoopbackHost } from '../rootless/loopback-proxy.js';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface TransportTimeouts {
  /** TCP (and TLS) connect; default 15 s. */
  connectMs?: number;
  /** No byte sent or received for this long aborts the request; default 60 s. */
  idleMs?: number;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** A Buffer can be sent again (auth retries); a stream only once. */
  body?: Buffer | Readable;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects (Location headers resolve against it). */
  url: URL;
  body: IncomingMessage;
}

const MAX_REDIRECTS = 5;

export class HttpTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });
  /** Loopback registries are "insecure" as dockerd has it: their certificates are not checked. */
  private readonly loopbackHttpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });
  private readonly connectMs: number;
  private readonly idleMs: number;

  private readonly loopbackRelay = rootlessMode()?.loopbackProxySocket;

  constructor(timeouts: TransportTimeouts = {}) {
    this.connectMs = timeouts.connectMs ?? 15_000;
    this.idleMs = timeouts.idleMs ?? 60_000;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    let current = req;
    for (let hop = 0; ; hop++) {
      const res = await this.once(current);
      const location = res.headers.location;
      const redirect = [301, 302, 303, 307, 308].includes(res.status) && location !== undefined;
      if (!redirect || (req.method !== 'GET' && req.method !== 'HEAD')) return res;
      res.body.resume();
      if (hop >= MAX_REDIRECTS) {
        throw new RegistryError('unavailable', `too many redirects fetching ${req.url.href}`);
      }
      const next = new URL(location, current.url);
      const headers = { ...current.headers };
      // Credentials for the registry must not leak to the storage host it redirects to.
      if (next.origin !== current.url.origin) delete headers.authorization;
      current = { ...current, url: next, headers };
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.loopbackHttpsAgent.destroy();
  }

  private once(req: HttpRequest): Promise<HttpResponse> {
    const { signal } = req;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const isHttps = req.url.protocol === 'https:';
    const headers: Record<string, string> = { 'user-agent': 'berth', ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['content-length'] = String(req.body.length);
    else if (req.body === undefined && ['POST', 'PUT', 'PATCH'].includes(req.method)) headers['content-length'] = '0';

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        cleanup();
        detachAbort();
        reject(signal?.aborted ? signal.reason : toRegistryError(err, req.url));
      };
      const loopback = isLoopback(req.url.hostname.replace(/^\[|\]$/g, ''));
      const relay = this.loopbackRelay && isLoopbackHost(req.url.hostname) ? this.loopbackRelay : undefined;
      const port = Number(req.url.port || (isHttps ? 443 : 80));
      const request = (isHttps ? https : http).request(req.url, {
        method: req.method,
        headers,
        // A rootless daemon reaches the host's localhost only through its launcher (loopback-proxy.ts).
        ...(relay
          // (no agent at all: node:http ignores createConnection when one is given, even `false`)
          ? { createConnection: () => relayed(relay, req.url.hostname, port, isHttps) }
          : { agent: !isHttps ? this.httpAgent : loopback ? this.loopbackHttpsAgent : this.httpsAgent }),
      });
      const onAbort = (): void => {
        request.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let connectTimer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        if (connectTimer) clearTimeout(connectTimer);
      };
      const detachAbort = (): void => signal?.removeEventListener('abort', onAbort);
      request.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => {
          request.destroy(new RegistryError('unavailable', `cannot reach registry ${req.url.host}: connection timed out after ${seconds(this.connectMs)}`));
        }, this.connectMs);
        socket.once(isHttps ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      request.setTimeout(this.idleMs, () => {
        request.destroy(new RegistryError('unavailable', `registry ${req.url.host} stopped responding (no data for ${seconds(this.idleMs)})`));
      });
      request.on('error', fail);
      request.on('response', (res) => {
        if (settled) {
          res.resume();
          return;
        }
        settled = true;
        cleanup();
        // Errors after this point belong to whoever reads the body; keep them off the request.
        request.removeListener('error', fail);
        request.on('error', (err) => res.destroy(signal?.aborted ? (signal.reason as Error) : toRegistryError(err, req.url)));
        res.once('close', detachAbort);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, url: req.url, body: res });
      });

      if (req.body === undefined) request.end();
      else if (Buffer.isBuffer(req.body)) request.end(req.body);
      else {
        pipeline(req.body, request, (err) => {
          // A server may answer (e.g. 401) before reading the body; that is not our error to report.
          if (err && !settled) fail(err);
        });
      }
    });
  }
}

/** Reads a whole (small) body; `limit` guards memory against a hostile or broken registry. */
export async function readBody(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.body.resume();
    throw new RegistryError('invalid', `${what} is too large (${declared} bytes, limit ${limit})`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > limit) {
      res.body.destroy();
      throw new RegistryError('invalid', `${what} is too large (over ${limit} bytes)`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Reads an error body for its message, never failing on it. */
export async function readErrorBody(res: HttpResponse): Promise<Buffer> {
  try {
    return await readBody(res, 64 * 1024, 'error response');
  } catch {
    return Buffer.alloc(0);
  }
}

export function discardBody(res: HttpResponse): void {
  res.body.resume();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 1000 ? 1 : 0)} s`;
}

const NETWORK_HINTS: Record<string, string> = {
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
};

/** A connection to the host's loopback through the rootless launcher; TLS on top for HTTPS (unchecked, as for any loopback registry). */
function relayed(relay: string, host: string, port: number, tls: boolean): Socket {
  const raw = connectThroughLoopbackProxy(relay, host, port);
  if (!tls) return raw;
  return tlsConnect({ socket: raw, rejectUnauthorized: false, ...(isIP(host.replace(/^\[|\]$/g, '')) ? {} : { servername: host }) });
}

function toRegistryError(err: unknown, url: URL): Error {
  if (err instanceof RegistryError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const detail = (code && NETWORK_HINTS[code]) ?? (err instanceof Error ? err.message : String(err));
  const tlsHint = (code === 'EPROTO' || code?.startsWith('ERR_SSL')) && !isLoopbackHost(url.hostname) ? ' (is it a plain-HTTP registry? Only localhost registries are contacted over HTTP)' : '';
  return new RegistryError(
    'unavailable',
    `cannot reach registry ${url.host}: ${detail}${tlsHint} (${url.protocol.slice(0, -1).toUpperCase()} ${url.origin}); check the address and the network`,
    { cause: err },
  );
}
