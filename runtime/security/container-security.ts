// The security parts of a container's OCI spec, as Docker decides them: the seccomp filter (the
// daemon's default profile, the container's own, or none), no_new_privs (off unless asked for, so
// setuid programs work), the AppArmor profile, and the masked and read-only /proc and /sys paths.
// --privileged lifts seccomp, AppArmor and the paths, as with Docker; no-new-privileges still holds.
import type { HostConfig } from '../containers/api-types.js';
import { MASKED_PATHS, READONLY_PATHS } from '../tasks/docker-defaults.js';
import { DEFAULT_SECCOMP_PROFILE } from './default-seccomp.js';
import type { HostSecurity } from './host-security.js';
import { ociSeccomp } from './oci-seccomp.js';
import type { OciSeccomp, SeccompProfile } from './seccomp-profile.js';
import { checkAgainstHost, parseSecurityOpt } from './security-opt.js';

/** What the daemon applies by default, and what its host can do. */
export interface SecurityContext {
  /** The profile for containers that name none: Docker's (default-seccomp.ts), or --seccomp-profile's. */
  defaultSeccomp: SeccompProfile | 'unconfined';
  host: HostSecurity;
}

export interface SpecSecurity {
  seccomp?: OciSeccomp;
  noNewPrivileges: boolean;
  apparmorProfile?: string;
  maskedPaths: string[];
  readonlyPaths: string[];
}

export function containerSecurity(hc: HostConfig, capabilities: string[], ctx: SecurityContext): SpecSecurity {
  const choices = parseSecurityOpt(hc.SecurityOpt);
  const privileged = Boolean(hc.Privileged);
  let profile: SeccompProfile | undefined;
  if (!privileged && ctx.host.seccomp) {
    if (choices.seccomp.kind === 'profile') profile = choices.seccomp.profile;
    else if (choices.seccomp.kind === 'builtin') profile = DEFAULT_SECCOMP_PROFILE;
    else if (choices.seccomp.kind === 'default' && ctx.defaultSeccomp !== 'unconfined') profile = ctx.defaultSeccomp;
  }
  const lifted = privileged || choices.systemPathsUnconfined;
  const out: SpecSecurity = {
    noNewPrivileges: choices.noNewPrivileges,
    maskedPaths: lifted ? [] : [...(hc.MaskedPaths ?? MASKED_PATHS)],
    readonlyPaths: lifted ? [] : [...(hc.ReadonlyPaths ?? READONLY_PATHS)],
  };
  if (profile) out.seccomp = ociSeccomp(profile, { arch: ctx.host.arch, capabilities, kernel: ctx.host.kernel });
  // Without AppArmor on the host there is nothing to name (only "unconfined" gets this far).
  if (ctx.host.apparmor) {
    const name = privileged ? 'unconfined' : choices.apparmor;
    if (name) out.apparmorProfile = name;
  }
  return out;
}

/**
 * At create: refuses options this host cannot honour (400 naming them), and returns the HostConfig
 * fields as Docker records them (docker inspect): SecurityOpt as given (label=disable for a
 * privileged container that gave none), the masked and read-only path lists filled in.
 */
export function securityAtCreate(hc: HostConfig, host: HostSecurity): Pick<HostConfig, 'SecurityOpt' | 'MaskedPaths' | 'ReadonlyPaths'> {
  const choices = parseSecurityOpt(hc.SecurityOpt);
  checkAgainstHost(choices, host);
  if (hc.Privileged) return { SecurityOpt: hc.SecurityOpt?.length ? hc.SecurityOpt : ['label=disable'], MaskedPaths: hc.MaskedPaths ?? null, ReadonlyPaths: hc.ReadonlyPaths ?? null };
  const none = choices.systemPathsUnconfined;
  return {
    SecurityOpt: hc.SecurityOpt ?? null,
    MaskedPaths: none ? [] : hc.MaskedPaths ?? [...MASKED_PATHS],
    ReadonlyPaths: none ? [] : hc.ReadonlyPaths ?? [...READONLY_PATHS],
  };
}
