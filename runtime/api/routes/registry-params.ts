// Request parameters of pull, import and push: X-Registry-Auth and `platform`.
import { InvalidError } from '../../errdefs.js';
import type { Platform, RegistryCredentials } from '../../registry/transfer-types.js';
import { hostPlatform, requestedPlatform } from '../../images/platform.js';

/** base64url (or base64) JSON; `e30=` (`{}`) or absent means anonymous. */
export function decodeRegistryAuth(header: string | string[] | undefined): RegistryCredentials | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    throw new InvalidError('malformed X-Registry-Auth header: expected base64url-encoded JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const pick = (k: string): string | undefined => (typeof v[k] === 'string' && v[k] !== '' ? (v[k] as string) : undefined);
  const creds: RegistryCredentials = {
    username: pick('username'), password: pick('password'), identitytoken: pick('identitytoken'),
    registrytoken: pick('registrytoken'), serveraddress: pick('serveraddress'),
  };
  return Object.values(creds).some((x) => x !== undefined) ? creds : undefined;
}

/** `linux/amd64`, `linux/arm64/v8`, `arm64`, normalised as Docker does; absent: this machine's. */
export function parsePlatform(raw: string | null): Platform {
  return raw ? requestedPlatform(raw, 'platform', 'runs') : hostPlatform();
}
