// HostConfig.UsernsMode: "" (the engine's default, berthd --userns), "host" (the host's ids, as
// without --userns) or "auto" (a user namespace with the container's own range of ids). Checked at
// create, as dockerd checks its userns-remap conflicts there, with Docker's messages.
import { InvalidError } from '../errdefs.js';
import type { HostConfig } from '../containers/api-types.js';
import { namespacesUnsupported } from './namespace-files.js';

export type UsernsDefault = 'host' | 'auto';

/** What the daemon allows: undefined when per-container user namespaces work here, else why not. */
export interface UsernsSupport { default: UsernsDefault; unsupported?: string }

/** Whether the container gets its own user namespace; throws a 400 naming a value Berth does not know. */
export function wantsOwnUserns(hc: HostConfig, daemonDefault: UsernsDefault): boolean {
  const mode = hc.UsernsMode ?? '';
  if (mode === 'host') return false;
  if (mode === 'auto') return true;
  if (mode === '') return daemonDefault === 'auto';
  throw new InvalidError(`UsernsMode "${mode}" is not supported: Berth knows "" (the engine's default), "host" and "auto"${/^(keep-id|nomap|ns:|container:|private)/.test(mode) ? ` ("${mode.split(/[:=]/)[0]}" is Podman's or Docker's, not Berth's)` : ''}`);
}

/** The conflicts dockerd refuses with userns-remap, and what this daemon cannot do. */
export function checkUsernsConflicts(hc: HostConfig, support: UsernsSupport): void {
  if (support.unsupported) throw new InvalidError(`UsernsMode "auto" is not available: ${support.unsupported}`);
  if (hc.Privileged) throw new InvalidError('privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode (--userns host)');
  if (hc.NetworkMode === 'host') throw new InvalidError("cannot share the host's network namespace when user namespaces are enabled (use --userns host with --network host)");
  if (hc.PidMode === 'host') throw new InvalidError('cannot share the host PID namespace when user namespaces are enabled (use --userns host with --pid host)');
}

/** Why containers cannot get their own user namespace from this daemon, or undefined when they can. */
export function usernsUnsupported(rootless: boolean): string | undefined {
  // A rootless daemon's layers belong to the host's user namespace: only the host's root may idmap them.
  if (rootless) return "a rootless daemon's containers share its user namespace; per-container ranges need berthd running as root";
  return namespacesUnsupported();
}
