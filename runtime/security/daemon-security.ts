// The daemon's confinement settings, made once when the container engine opens: the default seccomp
// profile (Docker's, or the file or "unconfined" given with --seccomp-profile) and the host's facts.
import { readFileSync } from 'node:fs';
import { InvalidError } from '../errdefs.js';
import type { SecurityContext } from './container-security.js';
import { DEFAULT_SECCOMP_PROFILE } from './default-seccomp.js';
import { detectHostSecurity, type HostSecurity } from './host-security.js';
import { parseSeccompProfile } from './profile-json.js';
import type { SeccompProfile } from './seccomp-profile.js';

/** --seccomp-profile's value: undefined or "default" for Docker's, "unconfined", or a JSON file. */
export function loadDefaultSeccomp(option: string | undefined): SeccompProfile | 'unconfined' {
  if (option === undefined || option === 'default' || option === 'builtin') return DEFAULT_SECCOMP_PROFILE;
  if (option === 'unconfined') return 'unconfined';
  let text: string;
  try {
    text = readFileSync(option, 'utf8');
  } catch (err) {
    throw new InvalidError(`--seccomp-profile ${option}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseSeccompProfile(text, `--seccomp-profile ${option}`);
}

export function openSecurityContext(option: string | undefined, runtimeBinary: string, host: HostSecurity = detectHostSecurity(runtimeBinary)): SecurityContext {
  const defaultSeccomp = loadDefaultSeccomp(option);
  if (!host.seccomp && defaultSeccomp !== 'unconfined') {
    process.stderr.write(`berthd: warning: ${host.seccompMissing}: containers run without a seccomp profile\n`);
  }
  return { defaultSeccomp, host };
}
