// Request parameters of pull and push: X-Registry-Auth and `platform`.
import { InvalidError } from '../../errdefs.js';
import type { Platform, RegistryCredentials } from '../../registry/transfer-types.js';

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

/** `linux/amd64`, `linux/arm64/v8`; defaults to this machine. */
export function parsePlatform(raw: string | null): Platform {
  const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
  if (!raw) return { os: 'linux', architecture: hostArch };
  const [os, architecture, variant] = raw.toLowerCase().split('/');
  if (!os || (os !== 'linux')) throw new InvalidError(`unsupported platform "${raw}": only linux images can run here`);
  return { os, architecture: architecture || hostArch, ...(variant ? { variant } : {}) };
}
