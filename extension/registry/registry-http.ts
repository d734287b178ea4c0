// HTTP for the Registries view's own requests (browsing goes straight to the registry; pulls still go
// through the engine). Registries on loopback are reached as the engines reach them: HTTPS with the
// certificate unchecked, then plain HTTP. Bodies are capped, so a registry that answers with something
// huge cannot stall the view. No VS Code imports.
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Largest body read; more is an error. */
  maxBytes?: number;
  timeoutMs?: number;
}

export class RegistryHttpError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

const DEFAULT_MAX = 8 * 1024 * 1024;

export function send(url: URL, req: HttpRequest = {}): Promise<HttpReply> {
  const lib = url.protocol === 'https:' ? https : http;
  const max = req.maxBytes ?? DEFAULT_MAX;
  return new Promise((resolve, reject) => {
    const r = lib.request(url, {
      method: req.method ?? 'GET',
      headers: { 'User-Agent': 'Berth (VS Code)', ...req.headers },
      timeout: req.timeoutMs ?? 30_000,
      // Only loopback registries are contacted with the certificate unchecked (as engines do for them).
      ...(url.protocol === 'https:' && isLoopback(url.hostname) ? { rejectUnauthorized: false } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max) {
          r.destroy();
          reject(new RegistryHttpError(`${url.host} answered ${url.pathname} with more than ${Math.round(max / 1024 / 1024)} MB, more than Berth reads for it`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new RegistryHttpError(`${url.host} did not answer within ${Math.round((req.timeoutMs ?? 30_000) / 1000)} s`, 'ETIMEDOUT')));
    r.on('error', (err: NodeJS.ErrnoException) => reject(err instanceof RegistryHttpError ? err : new RegistryHttpError(describe(url, err), err.code)));
    r.end(req.body);
  });
}

function describe(url: URL, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `nothing answers at ${url.host} (connection refused): is the registry running, and is the address right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host ${url.hostname} is unknown (DNS lookup failed)`;
    case 'ECONNRESET':
      return `${url.host} closed the connection`;
    default:
      return `${url.host}: ${err.message}`;
  }
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/**
 * The registry's base URL: https, except loopback registries that do not speak TLS (plain HTTP, as
 * dockerd and berthd allow for 127.0.0.0/8). Docker Hub's registry lives at registry-1.docker.io.
 */
export async function baseUrlOf(registry: string): Promise<URL> {
  const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
  const secure = new URL(`https://${host}/`);
  if (!isLoopback(secure.hostname)) return secure;
  try {
    await send(new URL('/v2/', secure), { timeoutMs: 5_000 });
    return secure;
  } catch (err) {
    // Refused or unanswered over both is the same problem; say it once, for the plain-HTTP try.
    if ((err as RegistryHttpError).code === 'ECONNREFUSED') throw err;
    return new URL(`http://${host}/`);
  }
}
