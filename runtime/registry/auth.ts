// Registry authentication: reading WWW-Authenticate challenges and getting bearer tokens.
// Flows (as docker does them): anonymous; Basic with username/password; Bearer token from the
// challenge's realm (GET with Basic credentials if any, answer `token` or `access_token`);
// an identity (refresh) token exchanged by POSTing an OAuth form; a registry token used as is.
import { RegistryError, isObject } from './errors.js';
import { readBody, readErrorBody, type HttpTransport } from './http-transport.js';
import type { RegistryCredentials } from './transfer-types.js';

export interface Challenge {
  scheme: 'basic' | 'bearer';
  realm?: string;
  service?: string;
  scope?: string;
}

/** Parses the first Basic or Bearer challenge of a WWW-Authenticate header. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(basic|bearer)\b\s*(.*)$/i.exec(header);
  if (!m) return undefined;
  const scheme = (m[1] ?? '').toLowerCase() as Challenge['scheme'];
  const params: Record<string, string> = {};
  const param = /([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let p = param.exec(m[2] ?? ''); p; p = param.exec(m[2] ?? '')) {
    const key = (p[1] ?? '').toLowerCase();
    params[key] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme, realm: params.realm, service: params.service, scope: params.scope };
}

export function basicAuthorization(credentials: RegistryCredentials | undefined): string | undefined {
  if (!credentials?.username) return undefined;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
}

/** Gets a bearer token for `scopes` from the challenge's realm. */
export async function fetchBearerToken(
  transport: HttpTransport,
  challenge: Challenge,
  scopes: string[],
  credentials: RegistryCredentials | undefined,
  registryName: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  if (!challenge.realm) {
    throw new RegistryError('unavailable', `registry ${registryName} asked for a bearer token but named no token server (realm)`);
  }
  let realm: URL;
  try {
    realm = new URL(challenge.realm);
  } catch {
    throw new RegistryError('unavailable', `registry ${registryName} named an invalid token server "${challenge.realm}"`);
  }
  const res = credentials?.identitytoken
    ? await transport.request({
        method: 'POST',
        url: realm,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(oauthForm(challenge, scopes, credentials.identitytoken).toString()),
        signal,
      })
    : await transport.request({
        method: 'GET',
        url: tokenUrl(realm, challenge, scopes, credentials),
        headers: basicHeader(credentials),
        signal,
      });

  if (res.status === 401 || res.status === 403) {
    await readErrorBody(res);
    throw new RegistryError(
      'unauthorized',
      credentials?.username || credentials?.identitytoken
        ? `login to ${registryName} failed: incorrect username, password or token (token server ${realm.host} answered ${res.status})`
        : `registry ${registryName} refused anonymous access; run 'docker login ${registryName}'`,
    );
  }
  if (res.status !== 200) {
    await readErrorBody(res);
    throw new RegistryError('unavailable', `token server ${realm.host} for ${registryName} answered HTTP ${res.status}`);
  }
  const body = await readBody(res, 1024 * 1024, 'token response');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RegistryError('unavailable', `token server ${realm.host} for ${registryName} sent a response that is not JSON`);
  }
  const token = isObject(parsed) ? (parsed.token ?? parsed.access_token) : undefined;
  if (typeof token !== 'string' || token === '') {
    throw new RegistryError('unavailable', `token server ${realm.host} for ${registryName} sent no token`);
  }
  return token;
}

function tokenUrl(realm: URL, challenge: Challenge, scopes: string[], credentials: RegistryCredentials | undefined): URL {
  const url = new URL(realm);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  if (credentials?.username) url.searchParams.set('account', credentials.username);
  return url;
}

function oauthForm(challenge: Challenge, scopes: string[], refreshToken: string): URLSearchParams {
  const form = new URLSearchParams();
  form.set('grant_type', 'refresh_token');
  form.set('refresh_token', refreshToken);
  form.set('client_id', 'berth');
  form.set('access_type', 'offline');
  if (challenge.service) form.set('service', challenge.service);
  if (scopes.length) form.set('scope', scopes.join(' '));
  return form;
}

function basicHeader(credentials: RegistryCredentials | undefined): Record<string, string> {
  const value = basicAuthorization(credentials);
  return value ? { authorization: value } : {};
}
