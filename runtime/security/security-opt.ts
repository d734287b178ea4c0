// HostConfig.SecurityOpt (`docker run --security-opt ...`) read into what the container asks for, and
// checked against what this host can apply. An option Berth does not know, or cannot honour here, is
// refused at create with its name: a security option that is silently ignored is worse than none.
import { InvalidError } from '../errdefs.js';
import { parseSeccompProfile } from './profile-json.js';
import type { SeccompProfile } from './seccomp-profile.js';
import type { HostSecurity } from './host-security.js';

/** default: nothing said (the daemon's default); builtin: Docker's profile even if the daemon has another. */
export type SeccompChoice = { kind: 'default' } | { kind: 'builtin' } | { kind: 'unconfined' } | { kind: 'profile'; profile: SeccompProfile };

export interface SecurityChoices {
  seccomp: SeccompChoice;
  noNewPrivileges: boolean;
  /** An AppArmor profile name, or "unconfined". */
  apparmor?: string;
  /** label=... values other than "disable" (Berth never labels, so "disable" changes nothing). */
  labels: string[];
  /** systempaths=unconfined: no masked or read-only /proc and /sys paths. */
  systemPathsUnconfined: boolean;
}

const KNOWN = 'seccomp=unconfined|builtin|<profile JSON>, no-new-privileges[=true|false], apparmor=<profile>|unconfined, label=disable, systempaths=unconfined';

function unknown(opt: string): never {
  throw new InvalidError(`invalid --security-opt "${opt}": Berth knows ${KNOWN}`);
}

/** Splits KEY=VALUE, or the older KEY:VALUE Docker still accepts (only when there is no "="). */
function split(opt: string): [string, string] | undefined {
  const eq = opt.indexOf('=');
  if (eq > 0) return [opt.slice(0, eq), opt.slice(eq + 1)];
  const colon = opt.indexOf(':');
  if (colon > 0) return [opt.slice(0, colon), opt.slice(colon + 1)];
  return undefined;
}

export function parseSecurityOpt(opts: readonly string[] | null | undefined): SecurityChoices {
  const out: SecurityChoices = { seccomp: { kind: 'default' }, noNewPrivileges: false, labels: [], systemPathsUnconfined: false };
  if (opts !== undefined && opts !== null && !Array.isArray(opts)) throw new InvalidError('HostConfig.SecurityOpt must be a list of strings');
  for (const opt of opts ?? []) {
    if (typeof opt !== 'string') throw new InvalidError('HostConfig.SecurityOpt must be a list of strings');
    if (opt === 'no-new-privileges') { out.noNewPrivileges = true; continue; }
    if (opt === 'disable') continue; // Docker's old spelling of label=disable
    const kv = split(opt);
    if (!kv) unknown(opt);
    const [key, value] = kv;
    switch (key) {
      case 'no-new-privileges': {
        const v = value.toLowerCase();
        if (['true', '1', 't'].includes(v)) out.noNewPrivileges = true;
        else if (['false', '0', 'f'].includes(v)) out.noNewPrivileges = false;
        else throw new InvalidError(`invalid --security-opt "${opt}": no-new-privileges takes true or false`);
        break;
      }
      case 'seccomp':
        if (value === 'unconfined') out.seccomp = { kind: 'unconfined' };
        else if (value === 'builtin') out.seccomp = { kind: 'builtin' };
        else out.seccomp = { kind: 'profile', profile: parseSeccompProfile(value, '--security-opt seccomp') };
        break;
      case 'apparmor':
        if (!value) throw new InvalidError(`invalid --security-opt "${opt}": name an AppArmor profile, or unconfined`);
        out.apparmor = value;
        break;
      case 'label':
        if (value !== 'disable') out.labels.push(value);
        break;
      case 'systempaths':
        if (value !== 'unconfined') throw new InvalidError(`invalid --security-opt "${opt}": systempaths takes only unconfined`);
        out.systemPathsUnconfined = true;
        break;
      default:
        unknown(opt);
    }
  }
  return out;
}

/** Refuses what this host cannot apply; `choices` come from parseSecurityOpt. */
export function checkAgainstHost(choices: SecurityChoices, host: HostSecurity): void {
  if (choices.seccomp.kind === 'profile' && !host.seccomp) {
    throw new InvalidError(`a seccomp profile was given, but it cannot be applied here: ${host.seccompMissing ?? 'no seccomp support'}`);
  }
  if (choices.apparmor && choices.apparmor !== 'unconfined' && !host.apparmor) {
    throw new InvalidError(`--security-opt apparmor=${choices.apparmor} cannot be applied: AppArmor is not enabled on this host (only apparmor=unconfined is accepted)`);
  }
  if (choices.labels.length) {
    const label = choices.labels[0];
    throw new InvalidError(host.selinux
      ? `--security-opt label=${label} is not supported: Berth applies no SELinux labels (label=disable is accepted)`
      : `--security-opt label=${label} cannot be applied: SELinux is not enabled on this host (label=disable is accepted)`);
  }
}
