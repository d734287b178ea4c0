// System prerequisites for `npm start`: which Debian packages are missing, and installing them as
// root (apt-get update once, then apt-get install -y). Not root, or not Debian: the exact command to
// run is part of the error instead.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

export class PrerequisiteError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PrerequisiteError';
  }
}

export function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const hasDpkg = () => onPath('dpkg-query');

/** True when dpkg says the package is installed. Without dpkg: undefined (cannot tell). */
export function aptPackageInstalled(name) {
  if (!hasDpkg()) return undefined;
  const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.startsWith('ii');
}

/**
 * A need is satisfied when its `satisfied()` says so, or (on Debian) when its package is installed.
 * Returns the apt packages to install for the unmet needs.
 */
export function missingPackages(needs) {
  const out = [];
  for (const need of needs) {
    if (need.satisfied?.()) continue;
    if (aptPackageInstalled(need.apt) === true) continue;
    out.push(need.apt);
  }
  return [...new Set(out)];
}

/** What Berth's bundled engine needs to run containers and to make its base image. */
export const ENGINE_NEEDS = [
  { apt: 'runc', why: 'runs containers (crun works too)', satisfied: () => onPath('runc') || onPath('crun') },
  { apt: 'busybox-static', why: 'the offline base image busybox:latest' },
  { apt: 'zstd', why: 'unpacks zstd-compressed image layers', satisfied: () => onPath('zstd') },
];

/**
 * What the bundled engine needs on top as an ordinary user, when it runs rootless (as the extension's
 * preflight says: extension/engine/preflight.ts).
 */
export const ROOTLESS_ENGINE_NEEDS = [
  { apt: 'uidmap', why: 'newuidmap and newgidmap, for the rootless engine\'s user namespace', satisfied: () => onPath('newuidmap') && onPath('newgidmap') },
  { apt: 'slirp4netns', why: 'the rootless engine\'s network', satisfied: () => onPath('slirp4netns') },
];

/** True when /etc/subuid-style text gives the user (by name or uid) a range. */
export function hasSubordinateIds(text, user) {
  return text.split('\n').some((line) => {
    const [who, start, count] = line.trim().split(':');
    return (who === user.name || who === String(user.uid)) && Number(start) >= 0 && Number(count) > 0;
  });
}

/**
 * The command that gives the current user subordinate ids (the rootless engine maps container users
 * onto them), or undefined when /etc/subuid and /etc/subgid have a range for the user already.
 */
export function subordinateIdsFix({ read = (f) => readFileSync(f, 'utf8'), user = { name: userInfo().username, uid: userInfo().uid } } = {}) {
  const has = (file) => {
    try {
      return hasSubordinateIds(read(file), user);
    } catch {
      return false;
    }
  };
  if (has('/etc/subuid') && has('/etc/subgid')) return undefined;
  return {
    why: `subordinate user and group ids for ${user.name} in /etc/subuid and /etc/subgid`,
    command: `sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user.name}`,
  };
}

/**
 * The command that opens /dev/net/tun to ordinary users (slirp4netns, the rootless engine's network,
 * opens it), or undefined when this user can open it. Debian's udev makes it 0666; some VMs do not.
 */
export function tunDeviceFix({ canOpen = () => {
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
} } = {}) {
  if (canOpen()) return undefined;
  return { why: 'access to /dev/net/tun (the rootless engine\'s network opens it)', command: 'sudo chmod 0666 /dev/net/tun' };
}

/** What installing code-server needs (its native modules compile against these). */
export const CODE_SERVER_NEEDS = ['libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev'].map((apt) => ({
  apt,
  why: 'building code-server',
}));

export function installCommand(packages, { root = process.getuid?.() === 0 } = {}) {
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}

let aptUpdated = false;

/**
 * Installs the missing packages as root on Debian. Otherwise (not root, or no apt-get) throws a
 * PrerequisiteError naming everything missing, with one command that fixes it all; `otherFixes`
 * ({ why, command }: what a package cannot fix, such as subordinate ids) join that command.
 */
export function ensurePackages(needs, { log = (m) => console.log(m), otherFixes = [], root = process.getuid?.() === 0 } = {}) {
  const missing = missingPackages(needs);
  const isRoot = root;
  if (!missing.length && !otherFixes.length) return [];
  if (!isRoot || !onPath('apt-get')) {
    const why = [...needs.filter((n) => missing.includes(n.apt)).map((n) => `${n.apt} (${n.why})`), ...otherFixes.map((f) => f.why)].join(', ');
    const commands = [...(missing.length ? [installCommand(missing, { root: isRoot })] : []), ...otherFixes.map((f) => f.command)];
    throw new PrerequisiteError(`This machine lacks: ${why}.\nNothing was installed. Run this, then npm start again:\n  ${commands.join(' && ')}`);
  }
  if (!missing.length) return [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('$ apt-get update');
    const u = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    if (u.status !== 0) throw new PrerequisiteError('apt-get update failed (see above)');
    aptUpdated = true;
  }
  log(`$ apt-get install -y ${missing.join(' ')}`);
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  if (r.status !== 0) throw new PrerequisiteError(`apt-get install failed for ${missing.join(' ')} (see above)`);
  return missing;
}
