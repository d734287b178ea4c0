// What a user needs for the rootless daemon, checked before anything starts: each problem names the
// package or command that fixes it. Missing subordinate ids or slirp4netns only degrade (warnings);
// the rest stops the daemon.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSubIds, type IdRange } from './id-ranges.js';

export interface RootlessPlan {
  uid: number;
  gid: number;
  user: string;
  uidRanges: IdRange[];
  gidRanges: IdRange[];
  /** Paths of the tools found (absent: not installed). */
  tools: { unshare?: string; nsenter?: string; newuidmap?: string; newgidmap?: string; slirp4netns?: string; runc?: string };
  /** Each stops the daemon. */
  errors: string[];
  /** Each is printed and the daemon starts anyway. */
  warnings: string[];
}

/**
 * PATH with the system folders appended where missing. Debian gives an ordinary user's login shell
 * no /usr/sbin or /sbin, and that is where runc, iptables and newuidmap's kin live; the rootless
 * daemon runs them from its namespace as if it were root.
 */
export function withSystemDirs(path: string | undefined): string {
  const dirs = (path || '/usr/local/bin:/usr/bin:/bin').split(':').filter(Boolean);
  for (const d of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(d)) dirs.push(d);
  return dirs.join(':');
}

export interface HostFacts {
  readFile(path: string): string | undefined;
  which(name: string): string | undefined;
}

export const realHost: HostFacts = {
  readFile(path) {
    try { return readFileSync(path, 'utf8'); } catch { return undefined; }
  },
  which(name) {
    for (const dir of withSystemDirs(process.env.PATH).split(':')) {
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch { /* next */ }
    }
    return undefined;
  },
};

export function planRootless(user: { uid: number; gid: number; name: string }, host: HostFacts = realHost): RootlessPlan {
  const tools = {
    unshare: host.which('unshare'), nsenter: host.which('nsenter'), newuidmap: host.which('newuidmap'), newgidmap: host.which('newgidmap'),
    slirp4netns: host.which('slirp4netns'), runc: host.which('runc'),
  };
  const uidRanges = parseSubIds(host.readFile('/etc/subuid') ?? '', { name: user.name, id: user.uid });
  const gidRanges = parseSubIds(host.readFile('/etc/subgid') ?? '', { name: user.name, id: user.gid });
  const errors: string[] = [];
  const warnings: string[] = [];
  if (host.readFile('/proc/sys/kernel/unprivileged_userns_clone')?.trim() === '0') {
    errors.push('the kernel forbids user namespaces to ordinary users: run `sudo sysctl -w kernel.unprivileged_userns_clone=1` (and add it to /etc/sysctl.d/ to keep it)');
  }
  if (host.readFile('/proc/sys/user/max_user_namespaces')?.trim() === '0') {
    errors.push('user namespaces are disabled (user.max_user_namespaces is 0): run `sudo sysctl -w user.max_user_namespaces=15000`');
  }
  if (!tools.unshare) errors.push('`unshare` is missing: run `sudo apt-get install util-linux`');
  if (!tools.runc) errors.push('runc is missing: run `sudo apt-get install runc`');
  const hasRanges = uidRanges.length > 0 && gidRanges.length > 0;
  if (hasRanges && (!tools.newuidmap || !tools.newgidmap)) {
    errors.push('newuidmap/newgidmap are missing (they map your subordinate ids): run `sudo apt-get install uidmap`');
  }
  if (!hasRanges) {
    warnings.push(`no subordinate ids for ${user.name} in /etc/subuid and /etc/subgid: only your own id is mapped (uid 0 in containers), `
      + `so images with files or users other than root will fail. Fix: sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user.name}`
      + `${tools.newuidmap ? '' : ' && sudo apt-get install uidmap'}, then restart berthd`);
  }
  if (!tools.slirp4netns) {
    warnings.push('slirp4netns is missing: containers get no network beyond loopback and published ports do not work. Fix: sudo apt-get install slirp4netns, then restart berthd');
  }
  return { uid: user.uid, gid: user.gid, user: user.name, uidRanges, gidRanges, tools, errors, warnings };
}
