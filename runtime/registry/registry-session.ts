// One pull or push talks to one registry through a session: it pings /v2/ once to learn how the
// registry wants to be authenticated, keeps bearer tokens per scope for the rest of the operation,
// and answers a 401 once by renewing the token (expired, or the registry wants another scope).
import { basicAuthorization, fetchBearerToken, parseChallenge, type Challenge } from './auth.js';
import type { RegistryEndpoint } from './endpoint.js';
import { RegistryError } from './errors.js';
import { HttpTransport, discardBody, type HttpRequest, type HttpResponse, type TransportTimeouts } from './http-transport.js';
import { registryNetwork, type RegistryNetwork } from './registry-network.js';
import { registryTls } from './registry-tls.js';
import type { RegistryCredentials } from './transfer-types.js';

export interface SessionRequest extends Omit<HttpRequest, 'url' | 'signal'> {
  /** A path under the registry origin (`/v2/...`) or an absolute URL (upload locations). */
  target: string | URL;
}

interface SessionState {
  endpoint: RegistryEndpoint;
  scopes: string[];
  credentials: RegistryCredentials | undefined;
  transport: HttpTransport;
  challenge?: Challenge;
  pinged?: Promise<void>;
  tokens: Map<string, Promise<string>>;
}

export class RegistrySession {
  private constructor(
    private readonly state: SessionState,
    readonly signal: AbortSignal | undefined,
  ) {}

  static async open(
    endpoint: RegistryEndpoint,
    scopes: string[],
    credentials: RegistryCredentials | undefined,
    signal: AbortSignal | undefined,
    access: RegistryAccess = {},
  ): Promise<RegistrySession> {
    const transport = await openTransport(endpoint, access);
    return new RegistrySession({ endpoint, scopes, credentials, transport, tokens: new Map() }, signal);
  }

  /** The same session (sockets, tokens) under another signal, e.g. one that also stops sibling transfers. */
  withSignal(signal: AbortSignal): RegistrySession {
    return new RegistrySession(this.state, signal);
  }

  get endpoint(): RegistryEndpoint {
    return this.state.endpoint;
  }

  url(target: string | URL): URL {
    return typeof target === 'string' ? new URL(target, this.endpoint.origin) : target;
  }

  async send(req: SessionRequest): Promise<HttpResponse> {
    await this.ping();
    const url = this.url(req.target);
    const state = this.state;
    const first = await state.transport.request({ ...req, url, headers: { ...req.headers, ...(await this.authorization()) }, signal: this.signal });
    if (first.status !== 401) return first;

    const challenge = parseChallenge(header(first.headers['www-authenticate']));
    const replayable = req.body === undefined || Buffer.isBuffer(req.body);
    if (!challenge || !replayable || state.credentials?.registrytoken) return first;
    // Basic auth has nothing to renew: either we sent the credentials already or there are none.
    if (challenge.scheme === 'basic' && (state.challenge?.scheme === 'basic' || !basicAuthorization(state.credentials))) return first;
    discardBody(first);
    const extraScope = challenge.scope && !state.scopes.includes(challenge.scope) ? [challenge.scope] : [];
    state.challenge = challenge;
    state.tokens.clear();
    return state.transport.request({ ...req, url, headers: { ...req.headers, ...(await this.authorization(extraScope)) }, signal: this.signal });
  }

  close(): void {
    this.state.transport.close();
  }

  /** GET /v2/: is it a registry, is it reachable, and which challenge does it send. */
  private ping(): Promise<void> {
    const state = this.state;
    state.pinged ??= (async () => {
      const answered = await pingRegistry(state.transport, this.endpoint, this.signal);
      state.endpoint = answered.endpoint;
      const res = answered.response;
      discardBody(res);
      if (res.status === 401) {
        state.challenge = parseChallenge(header(res.headers['www-authenticate']));
        return;
      }
      if (res.status >= 200 && res.status < 300) return;
      if (res.status === 404) {
        throw new RegistryError('unavailable', `${this.endpoint.origin} does not speak the registry API (GET /v2/ answered 404); check the registry address`);
      }
      throw new RegistryError('unavailable', `registry ${this.endpoint.name} is not available (GET /v2/ answered HTTP ${res.status})`);
    })();
    return state.pinged;
  }

  private async authorization(extraScopes: string[] = []): Promise<Record<string, string>> {
    const { credentials, challenge, tokens } = this.state;
    if (credentials?.registrytoken) return { authorization: `Bearer ${credentials.registrytoken}` };
    if (!challenge) return {};
    if (challenge.scheme === 'basic') {
      const basic = basicAuthorization(credentials);
      return basic ? { authorization: basic } : {};
    }
    const scopes = [...this.state.scopes, ...extraScopes];
    const key = scopes.join(' ');
    let token = tokens.get(key);
    if (!token) {
      token = fetchBearerToken(this.state.transport, challenge, scopes, credentials, this.endpoint.name, this.signal);
      tokens.set(key, token);
      // A failed fetch must not poison the cache for a later retry.
      token.catch(() => tokens.delete(key));
    }
    return { authorization: `Bearer ${await token}` };
  }
}

/** How to reach registries: the daemon's network settings (proxies, certs.d, insecure registries) and timeouts. */
export interface RegistryAccess {
  network?: RegistryNetwork;
  timeouts?: TransportTimeouts;
}

/** A transport with `endpoint`'s TLS settings (certs.d) and the network's proxies. */
export async function openTransport(endpoint: RegistryEndpoint, access: RegistryAccess): Promise<HttpTransport> {
  const network = access.network ?? registryNetwork();
  const tls = await registryTls(network.certsDir, new URL(endpoint.origin).host, endpoint.insecure);
  return new HttpTransport({ tls, proxy: network.proxy, loopbackRelay: network.loopbackRelay, ...(access.timeouts ? { timeouts: access.timeouts } : {}) });
}

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * GET /v2/ on `endpoint`. A loopback registry that does not answer over HTTPS (a plain-HTTP one
 * refuses the TLS handshake) is asked again over HTTP, as dockerd does; the endpoint that answered
 * comes back with the response, and the rest of the session uses it.
 */
export async function pingRegistry(transport: HttpTransport, endpoint: RegistryEndpoint, signal?: AbortSignal): Promise<{ endpoint: RegistryEndpoint; response: HttpResponse }> {
  try {
    return { endpoint, response: await transport.request({ method: 'GET', url: new URL('/v2/', endpoint.origin), signal }) };
  } catch (err) {
    if (!endpoint.fallbackOrigin || signal?.aborted || !(err instanceof RegistryError && err.kind === 'unavailable')) throw err;
    const plain: RegistryEndpoint = { ...endpoint, origin: endpoint.fallbackOrigin, fallbackOrigin: undefined };
    return { endpoint: plain, response: await transport.request({ method: 'GET', url: new URL('/v2/', plain.origin), signal }) };
  }
}
