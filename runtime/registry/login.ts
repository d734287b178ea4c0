// `docker login` (POST /auth): checks credentials against the registry the way dockerd does. GET /v2/
// tells how the registry authenticates: no challenge means nothing to check; Basic means /v2/ must
// answer 200 with the credentials; Bearer means the token server must hand out a token for them.
// Nothing is stored here: the docker CLI keeps the credentials and sends them with each pull and push.
import { basicAuthorization, fetchBearerToken, parseChallenge } from './auth.js';
import { RegistryError } from './errors.js';
import { discardBody } from './http-transport.js';
import { endpointFor } from './registry-network.js';
import { header, openTransport, pingRegistry, type RegistryAccess } from './registry-session.js';
import type { RegistryCredentials } from './transfer-types.js';

export interface LoginOptions extends RegistryAccess {
  signal?: AbortSignal;
}

/** `https://index.docker.io/v1/`, `127.0.0.1:5000`, `http://localhost:5000/v2/` → the registry's host[:port]. */
export function registryOfServerAddress(serveraddress: string | undefined): string {
  const trimmed = (serveraddress ?? '').trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  return trimmed === '' ? 'docker.io' : trimmed;
}

export async function login(credentials: RegistryCredentials, opts: LoginOptions = {}): Promise<void> {
  if (!credentials.username && !credentials.identitytoken) {
    throw new RegistryError('invalid', 'login needs a username and password (or an identity token)');
  }
  const named = await endpointFor(registryOfServerAddress(credentials.serveraddress), opts.network);
  const transport = await openTransport(named, opts);
  const refused = (how: string): RegistryError =>
    new RegistryError('unauthorized', `login to ${named.name} failed: ${how}`);
  try {
    const { endpoint, response: ping } = await pingRegistry(transport, named, opts.signal);
    const v2 = new URL('/v2/', endpoint.origin);
    discardBody(ping);
    if (ping.status >= 200 && ping.status < 300) return;
    if (ping.status === 404) {
      throw new RegistryError('unavailable', `${endpoint.origin} does not speak the registry API (GET /v2/ answered 404); check the registry address`);
    }
    const challenge = ping.status === 401 ? parseChallenge(header(ping.headers['www-authenticate'])) : undefined;
    if (!challenge) throw new RegistryError('unavailable', `registry ${endpoint.name} is not available (GET /v2/ answered HTTP ${ping.status})`);

    let authorization: string;
    if (challenge.scheme === 'basic') {
      const basic = basicAuthorization(credentials);
      if (!basic) throw refused('this registry takes a username and password, not an identity token');
      authorization = basic;
    } else {
      authorization = `Bearer ${await fetchBearerToken(transport, challenge, [], credentials, endpoint.name, opts.signal)}`;
    }
    const check = await transport.request({ method: 'GET', url: v2, headers: { authorization }, signal: opts.signal });
    discardBody(check);
    if (check.status === 401 || check.status === 403) throw refused('incorrect username or password');
    if (check.status < 200 || check.status >= 300) {
      throw new RegistryError('unavailable', `registry ${endpoint.name} answered HTTP ${check.status} to the login check`);
    }
  } finally {
    transport.close();
  }
}
