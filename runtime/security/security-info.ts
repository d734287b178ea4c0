// What `docker info` says about confinement (SecurityOptions, Warnings), from what is really applied:
// each SecurityOptions entry is something a container started now gets, and each way a container is
// confined less than under Docker's defaults is one warning line.
import type { SecurityContext } from './container-security.js';

export interface SecurityReport { SecurityOptions: string[]; Warnings: string[] }

export interface SecurityInfoInput {
  context: SecurityContext;
  /** How the daemon's default profile was chosen: undefined for Docker's built-in one, else --seccomp-profile's value. */
  seccompProfileOption?: string;
  rootless: boolean;
  /** Whether containers get cgroup limits (false only rootless without a delegated tree: cgroups/select.ts). */
  cgroupLimits: boolean;
  /** Containers get their own user namespace unless they ask for the host's (berthd --userns auto). */
  userns?: boolean;
}

export function securityReport(input: SecurityInfoInput): SecurityReport {
  const { context, rootless } = input;
  const options: string[] = [];
  const warnings: string[] = [];
  if (!context.host.seccomp) {
    warnings.push(`WARNING: seccomp is not available (${context.host.seccompMissing}): containers run without a seccomp profile`);
  } else if (context.defaultSeccomp === 'unconfined') {
    options.push('name=seccomp,profile=unconfined');
    warnings.push('WARNING: the daemon was started with --seccomp-profile unconfined: containers run without a seccomp profile unless they name one');
  } else {
    const option = input.seccompProfileOption;
    options.push(`name=seccomp,profile=${option === undefined || option === 'builtin' ? 'default' : option}`);
  }
  if (context.host.apparmor) {
    warnings.push('WARNING: AppArmor is enabled on this host, but Berth applies no AppArmor profile by default (Docker applies docker-default): use --security-opt apparmor=PROFILE');
  }
  if (input.userns) options.push('name=userns');
  if (rootless) {
    options.push('name=rootless');
    if (!input.cgroupLimits) warnings.push('WARNING: rootless mode without a delegated cgroup tree: containers run without memory, CPU and pids limits');
  }
  return { SecurityOptions: options, Warnings: warnings };
}
