// What a build request may carry besides the context for `RUN --mount=type=secret` and `type=ssh`.
// The legacy build API has no field for them (BuildKit sends them over its session), so berthd reads
// two request headers Docker's own clients never send:
//   X-Berth-Build-Secrets: base64 of JSON {"<id>": "<base64 of the value>", ...}
//   X-Berth-Build-Ssh:     base64 of JSON {"<id>": "<path of an ssh-agent socket the daemon can reach>"}
// Values stay in memory; errors name the header, never what it held.
import { InvalidError } from '../../errdefs.js';

export const SECRETS_HEADER = 'x-berth-build-secrets';
export const SSH_HEADER = 'x-berth-build-ssh';

export interface BuildSecrets {
  /** Secret values by id. */
  readonly secrets: ReadonlyMap<string, Buffer>;
  /** ssh-agent socket paths by id (`default` when the client named none). */
  readonly ssh: ReadonlyMap<string, string>;
}

export const NO_SECRETS: BuildSecrets = { secrets: new Map(), ssh: new Map() };

function headerJson(name: string, raw: string | string[] | undefined): Record<string, unknown> | undefined {
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the error below, without echoing the header
  }
  throw new InvalidError(`malformed ${name} header: expected base64 of a JSON object of id to string`);
}

/** Reads both headers of a build request. */
export function buildSecretsFrom(headers: Record<string, string | string[] | undefined>): BuildSecrets {
  const secrets = new Map<string, Buffer>();
  const ssh = new Map<string, string>();
  for (const [id, value] of Object.entries(headerJson('X-Berth-Build-Secrets', headers[SECRETS_HEADER]) ?? {})) {
    if (typeof value !== 'string') throw new InvalidError(`malformed X-Berth-Build-Secrets header: the value of secret "${id}" must be a base64 string`);
    secrets.set(id, Buffer.from(value, 'base64'));
  }
  for (const [id, value] of Object.entries(headerJson('X-Berth-Build-Ssh', headers[SSH_HEADER]) ?? {})) {
    if (typeof value !== 'string' || !value.startsWith('/')) throw new InvalidError(`malformed X-Berth-Build-Ssh header: ssh "${id}" must name an absolute socket path`);
    ssh.set(id, value);
  }
  return { secrets, ssh };
}

/** The headers a client sends (the inverse of buildSecretsFrom). */
export function buildSecretsHeaders(secrets: Record<string, Buffer | string>, ssh: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64');
  if (Object.keys(secrets).length) {
    out['X-Berth-Build-Secrets'] = enc(Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, Buffer.from(v).toString('base64')])));
  }
  if (Object.keys(ssh).length) out['X-Berth-Build-Ssh'] = enc(ssh);
  return out;
}
