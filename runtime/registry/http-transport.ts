// HTTP for one registry operation, on undici: keep-alive pools, a connect timeout so an unreachable
// registry fails fast instead of hanging, an idle timeout for stalled transfers, the proxy the
// environment names (proxy-choice.ts, dockerd's rules) through undici's ProxyAgent, the registry's
// TLS settings (certs.d CAs and client certificate, or none checked for insecure registries) on
// every connection, redirects for body-less requests (blob downloads often redirect to a storage
// host), and streaming bodies both ways. Network failures become RegistryError('unavailable') with
// what to do about them.
import { createHash } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Agent, Dispatcher, ProxyAgent, buildConnector } from 'undici';
import { RegistryError } from './errors.js';
import { proxyFor, type ProxyConfig } from './proxy-choice.js';
import type { RegistryTls } from './registry-tls.js';
import { connectThroughLoopbackProxy, isLoopbackHost } from '../rootless/loopback-proxy.js';

export interface TransportTimeouts {
  /** TCP (and TLS) connect; default 15 s. */
  connectMs?: number;
  /** No byte received for this long aborts the request; default 60 s. */
  idleMs?: number;
}

export interface TransportOptions {
  timeouts?: TransportTimeouts;
  /** TLS of every connection this transport makes; without it, Node's roots and certificates checked. */
  tls?: RegistryTls;
  proxy?: ProxyConfig;
  /** The rootless daemon's relay to the host's loopback (RegistryNetwork.loopbackRelay). */
  loopbackRelay?: string;
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

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
  headers: ResponseHeaders;
  /** The URL that answered, after redirects (Location headers resolve against it). */
  url: URL;
  body: Readable;
  /** What an error of `body` means for the user (a stall, a cut connection), as a RegistryError. */
  bodyError(err: unknown): Error;
}

const MAX_REDIRECTS = 5;

type Undici = typeof import('undici');
let undiciModule: Promise<Undici> | undefined;
/** undici is loaded on the first registry request, not at every daemon start (it is half of berthd's bundle). */
function loadUndici(): Promise<Undici> {
  undiciModule ??= import('undici');
  return undiciModule;
}

export class HttpTransport {
  private readonly connectMs: number;
  private readonly idleMs: number;
  private readonly tls: RegistryTls | undefined;
  private readonly proxy: ProxyConfig;
  private readonly dispatchers = new Map<string, Dispatcher>();
  private readonly loopbackRelay: string | undefined;

  constructor(opts: TransportOptions = {}) {
    this.connectMs = opts.timeouts?.connectMs ?? 15_000;
    this.idleMs = opts.timeouts?.idleMs ?? 60_000;
    this.tls = opts.tls;
    this.proxy = opts.proxy ?? {};
    this.loopbackRelay = opts.loopbackRelay;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    let current = req;
    for (let hop = 0; ; hop++) {
      const res = await this.once(current);
      const location = header(res.headers.location);
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
    for (const d of this.dispatchers.values()) void d.destroy().catch(() => undefined);
    this.dispatchers.clear();
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    const { signal, url } = req;
    if (signal?.aborted) throw signal.reason;
    const route = this.route(url, await loadUndici());
    const headers: Record<string, string> = { 'user-agent': 'berth', ...req.headers };
    if (req.body === undefined && ['POST', 'PUT', 'PATCH'].includes(req.method)) headers['content-length'] = '0';
    let res: Dispatcher.ResponseData;
    try {
      res = await route.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
        body: req.body ?? null,
        signal,
        headersTimeout: this.idleMs,
        bodyTimeout: this.idleMs,
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw this.failure(err, url, route.proxy);
    }
    const bodyError = (err: unknown): Error => {
      if (signal?.aborted) return signal.reason as Error;
      const code = errorCode(err);
      if (code === 'UND_ERR_BODY_TIMEOUT' || err instanceof RegistryError) return this.failure(err, url, route.proxy);
      const detail = (code && NETWORK_HINTS[code]) ?? (err instanceof Error ? err.message : String(err));
      return new RegistryError('unavailable', `the connection to ${url.host} broke: ${detail}`, { cause: err });
    };
    return { status: res.statusCode, headers: res.headers, url, body: res.body, bodyError };
  }

  /** The dispatcher for `url`: direct, or through the proxy its scheme's variable names. */
  private route(url: URL, undici: Undici): { dispatcher: Dispatcher; proxy?: { proxy: URL; variable: string } } {
    let proxy: { proxy: URL; variable: string } | undefined;
    try {
      proxy = proxyFor(url, this.proxy);
    } catch (err) {
      throw new RegistryError('invalid', `${(err as Error).message} (in berthd's environment)`);
    }
    const key = proxy ? `${url.protocol}${proxy.proxy.href}` : 'direct';
    let dispatcher = this.dispatchers.get(key);
    if (!dispatcher) {
      dispatcher = proxy ? this.proxyAgent(undici, proxy.proxy, url.protocol === 'https:') : this.directAgent(undici);
      this.dispatchers.set(key, dispatcher);
    }
    return { dispatcher, proxy };
  }

  private tlsOptions(): { secureContext?: SecureContext; rejectUnauthorized: boolean } {
    return this.tls ? { secureContext: secureContextFor(this.tls), rejectUnauthorized: !this.tls.insecure } : { rejectUnauthorized: true };
  }

  private directAgent(undici: Undici): Agent {
    return new undici.Agent({
      connections: 16,
      headersTimeout: this.idleMs,
      bodyTimeout: this.idleMs,
      connect: this.connector(undici, this.tlsOptions()),
    });
  }

  private proxyAgent(undici: Undici, proxy: URL, httpsTarget: boolean): ProxyAgent {
    return new undici.ProxyAgent({
      uri: proxy.href,
      // Plain-HTTP registries go through the proxy as absolute-URI requests, as Go's client sends
      // them; HTTPS ones through a CONNECT tunnel.
      proxyTunnel: httpsTarget,
      connections: 16,
      headersTimeout: this.idleMs,
      bodyTimeout: this.idleMs,
      requestTls: { ...this.tlsOptions(), timeout: this.connectMs },
      proxyTls: { timeout: this.connectMs },
      // A proxy on the host's localhost (cntlm, px) is reached through the rootless relay like a registry there.
      clientFactory: (origin: URL) => new undici.Pool(origin, { connect: this.connector(undici, { rejectUnauthorized: true }) }),
    } as ProxyAgent.Options);
  }

  /** undici's connector with our timeout and TLS, and the rootless relay for the host's loopback. */
  private connector(undici: Undici, tls: { secureContext?: SecureContext; rejectUnauthorized: boolean }): buildConnector.connector {
    const base = undici.buildConnector({ timeout: this.connectMs, ...tls });
    const relay = this.loopbackRelay;
    if (!relay) return base;
    return (opts, callback) => {
      if (!isLoopbackHost(opts.hostname)) return base(opts, callback);
      const port = Number(opts.port || (opts.protocol === 'https:' ? 443 : 80));
      const raw: Socket = connectThroughLoopbackProxy(relay, opts.hostname, port);
      if (opts.protocol === 'https:') return base({ ...opts, httpSocket: raw, ...(isIP(opts.hostname.replace(/^\[|\]$/g, '')) ? {} : { servername: opts.hostname }) }, callback);
      raw.once('connect', () => callback(null, raw));
      raw.once('error', (err) => callback(err, null));
      return raw;
    };
  }

  private failure(err: unknown, url: URL, proxy: { proxy: URL; variable: string } | undefined): Error {
    if (err instanceof RegistryError) return err;
    return describeNetworkError(err, url, {
      connectMs: this.connectMs,
      idleMs: this.idleMs,
      ...(proxy ? { proxy: `${proxy.proxy.protocol}//${proxy.proxy.host}`, variable: proxy.variable } : {}),
      ...(this.tls ? { hostDir: this.tls.hostDir, clientCert: this.tls.cert !== undefined } : {}),
    });
  }
}

// Contexts parse a few hundred root certificates; sessions to the same registry share one.
const contexts = new Map<string, SecureContext>();

function secureContextFor(tls: RegistryTls): SecureContext {
  const key = createHash('sha256').update(JSON.stringify([tls.ca, tls.cert ?? '', tls.key ?? ''])).digest('hex');
  let ctx = contexts.get(key);
  if (!ctx) {
    try {
      ctx = createSecureContext({ ca: tls.ca, ...(tls.cert !== undefined ? { cert: tls.cert, key: tls.key } : {}) });
    } catch (err) {
      throw new RegistryError('invalid', `the certificates in ${tls.hostDir} cannot be used: ${(err as Error).message}`);
    }
    if (contexts.size >= 8) contexts.delete(contexts.keys().next().value as string);
    contexts.set(key, ctx);
  }
  return ctx;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a whole (small) body; `limit` guards memory against a hostile or broken registry. */
export async function readBody(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const declared = Number(header(res.headers['content-length']));
  if (Number.isFinite(declared) && declared > limit) {
    res.body.resume();
    throw new RegistryError('invalid', `${what} is too large (${declared} bytes, limit ${limit})`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > limit) {
        res.body.destroy();
        throw new RegistryError('invalid', `${what} is too large (over ${limit} bytes)`);
      }
      chunks.push(buf);
    }
  } catch (err) {
    throw err instanceof RegistryError ? err : res.bodyError(err);
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
  res.body.on('error', () => undefined);
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
  UND_ERR_SOCKET: 'connection closed by the other side',
};

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

interface FailureContext {
  connectMs: number;
  idleMs: number;
  /** `http://proxy:3128` (no credentials) and the variable that named it. */
  proxy?: string;
  variable?: string;
  /** The certs.d folder of the registry. */
  hostDir?: string;
  /** Whether a client certificate was offered (undefined: unknown). */
  clientCert?: boolean;
}

/** A network or TLS failure in words that name the host and what to do. */
export function describeNetworkError(err: unknown, url: URL, ctx: FailureContext): RegistryError {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const host = url.host;
  const via = ctx.proxy ? ` through proxy ${ctx.proxy} (${ctx.variable})` : '';
  const certsDir = ctx.hostDir ?? `/etc/docker/certs.d/${host}`;
  const fail = (text: string): RegistryError => new RegistryError('unavailable', text, { cause: err });

  if (code === 'UND_ERR_CONNECT_TIMEOUT') return fail(`cannot reach registry ${host}${via}: connection timed out after ${seconds(ctx.connectMs)}; check the address and the network`);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return fail(`registry ${host} stopped responding (no data for ${seconds(ctx.idleMs)})${via}`);
  const proxyStatus = /Proxy response \((\d+)\)/.exec(message)?.[1] ?? (/Proxy Authentication Required/.test(message) ? '407' : undefined);
  if (proxyStatus) {
    const what = proxyStatus === '407'
      ? `; the proxy wants credentials: put them in ${ctx.variable} as http://USER:PASSWORD@HOST:PORT`
      : `; check ${ctx.variable}, or add ${url.hostname} to NO_PROXY if the registry is reached directly`;
    return fail(`cannot reach registry ${host}${via}: the proxy answered HTTP ${proxyStatus}${what}`);
  }
  if (code && UNKNOWN_AUTHORITY.has(code)) {
    return fail(`cannot reach registry ${host}${via}: x509: certificate signed by unknown authority (${code}); put the registry's CA certificate in ${certsDir}/ca.crt, or add ${host} to insecure-registries in berthd's config file`);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return fail(`cannot reach registry ${host}${via}: x509: its certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'}; renew it on the registry (or check this machine's clock)`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return fail(`cannot reach registry ${host}${via}: x509: its certificate is not valid for ${url.hostname} (${message}); use the name the certificate was made for, or add ${host} to insecure-registries`);
  }
  if (/certificate required|CERTIFICATE_REQUIRED|alert bad certificate|ALERT_BAD_CERTIFICATE|alert handshake failure/i.test(`${code ?? ''} ${message}`)) {
    return fail(`cannot reach registry ${host}${via}: it wants a client certificate it accepts; put client.cert and client.key in ${certsDir}`);
  }
  if (code === 'UND_ERR_SOCKET' && url.protocol === 'https:' && ctx.clientCert === false) {
    // A TLS 1.3 server that demands a client certificate closes the connection after the handshake;
    // Node does not surface its alert, so this is all there is to go on.
    return fail(`cannot reach registry ${host}${via}: it closed the connection before answering, as registries that demand a client certificate do; if it does, put client.cert and client.key in ${certsDir}`);
  }
  const detail = (code && NETWORK_HINTS[code]) ?? message;
  const plain = (code === 'EPROTO' || code?.startsWith('ERR_SSL')) && url.protocol === 'https:'
    ? ` (is it a plain-HTTP registry? berthd speaks plain HTTP only to localhost and to insecure-registries in its config file)`
    : '';
  return fail(`cannot reach registry ${host}${via}: ${detail}${plain} (${url.protocol.slice(0, -1).toUpperCase()} ${url.origin}); check the address and the network`);
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'UND_ERR_CONNECT') return code;
  }
  return undefined;
}
