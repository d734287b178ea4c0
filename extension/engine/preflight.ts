// Why the bundled engine cannot run on this machine, and the ways out. Pure checks over the environment.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface WayOut {
  /** Button text. */
  label: string;
  /** What the button does; the UI layer maps it to an action. */
  action: { kind: 'use-docker' } | { kind: 'copy-command'; command: string } | { kind: 'open-settings' } | { kind: 'open-readme' };
}

export interface PreflightProblem {
  message: string;
  waysOut: WayOut[];
}

export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface PreflightOptions {
  isRoot: boolean;
  envPath?: string;
  runtimeScript: string;
  /** The user VS Code runs as (default: the current one); rootless mode needs its subordinate ids. */
  user?: { name: string; uid: number };
  /** Reads a system file (default: fs); undefined when it cannot be read. */
  readFile?: (file: string) => string | undefined;
  /** The kernel release (default: os.release()); before 5.11 rootless mode needs fuse-overlayfs. */
  kernelRelease?: string;
  /** Whether this user may open /dev/net/tun (default: asks the file system); slirp4netns needs it. */
  tunUsable?: () => boolean;
}

/** Debian's udev makes /dev/net/tun 0666; some VMs and containers leave it root's only. */
function canOpenTun(): boolean {
  try {
    fs.accessSync('/dev/net/tun', fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a kernel release ("5.10.0-28-amd64") is older than 5.11, where overlayfs in a user namespace came. */
export function kernelBefore511(release: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return false;
  return Number(m[1]) < 5 || (Number(m[1]) === 5 && Number(m[2]) < 11);
}

export function checkBundledPrerequisites(opts: PreflightOptions): PreflightProblem | undefined {
  if (!fs.existsSync(opts.runtimeScript)) {
    return {
      message: `Berth's engine is missing from the extension (${opts.runtimeScript}). Reinstall Berth, or run "npm run build" in a development checkout.`,
      waysOut: [{ label: 'Use Docker Engine instead', action: { kind: 'use-docker' } }],
    };
  }
  if (!opts.isRoot) return rootlessProblem(opts);
  if (!findOnPath('runc', opts.envPath) && !findOnPath('crun', opts.envPath)) {
    return {
      message: "Berth's bundled engine needs an OCI runtime (runc or crun) to run containers, and neither is on PATH.",
      waysOut: [
        { label: 'Copy Install Command', action: { kind: 'copy-command', command: 'sudo apt-get install -y runc' } },
        { label: 'Use Docker Engine', action: { kind: 'use-docker' } },
      ],
    };
  }
  return undefined;
}

function readSystemFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** True when /etc/subuid-style `text` gives `user` a range (by name or uid). */
export function hasSubordinateIds(text: string | undefined, user: { name: string; uid: number }): boolean {
  return (text ?? '').split('\n').some((line) => {
    const [who, start, count] = line.trim().split(':');
    return (who === user.name || who === String(user.uid)) && Number(start) >= 0 && Number(count) > 0;
  });
}

/**
 * As an ordinary user the engine runs rootless (a user namespace, like Podman): it needs user
 * namespaces enabled, newuidmap/newgidmap (uidmap) with subordinate ids for the user, runc, and
 * slirp4netns for any network (image pulls included). Everything missing is named in one message
 * with one command that fixes it all.
 */
function rootlessProblem(opts: PreflightOptions): PreflightProblem | undefined {
  const read = opts.readFile ?? readSystemFile;
  const user = opts.user ?? currentUser();
  const missing: string[] = [];
  const packages: string[] = [];
  const commands: string[] = [];
  if (read('/proc/sys/kernel/unprivileged_userns_clone')?.trim() === '0') {
    missing.push('user namespaces are disabled for ordinary users');
    commands.push('sudo sysctl -w kernel.unprivileged_userns_clone=1');
  }
  if (!findOnPath('runc', opts.envPath) && !findOnPath('crun', opts.envPath)) {
    missing.push('an OCI runtime (runc)');
    packages.push('runc');
  }
  if (!findOnPath('newuidmap', opts.envPath) || !findOnPath('newgidmap', opts.envPath)) {
    missing.push('newuidmap and newgidmap (package uidmap)');
    packages.push('uidmap');
  }
  if (!findOnPath('slirp4netns', opts.envPath)) {
    missing.push('slirp4netns (the network of a rootless engine, image pulls included)');
    packages.push('slirp4netns');
  }
  if (findOnPath('slirp4netns', opts.envPath) && !(opts.tunUsable ?? canOpenTun)()) {
    missing.push('access to /dev/net/tun (slirp4netns opens it; this machine keeps it to root, where Debian makes it 0666)');
    commands.push('sudo chmod 0666 /dev/net/tun');
  }
  const kernel = opts.kernelRelease ?? os.release();
  if (kernelBefore511(kernel) && !findOnPath('fuse-overlayfs', opts.envPath)) {
    missing.push(`fuse-overlayfs (kernel ${kernel} cannot mount overlayfs in a user namespace)`);
    packages.push('fuse-overlayfs');
  }
  if (!hasSubordinateIds(read('/etc/subuid'), user) || !hasSubordinateIds(read('/etc/subgid'), user)) {
    missing.push(`subordinate user and group ids for ${user.name} in /etc/subuid and /etc/subgid`);
    commands.push(`sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user.name}`);
  }
  if (!missing.length) return undefined;
  const command = [...(packages.length ? [`sudo apt-get install -y ${packages.join(' ')}`] : []), ...commands].join(' && ');
  return {
    message: `Berth's bundled engine runs without root (in a user namespace, like Podman), and this machine lacks: ${missing.join('; ')}. `
      + `Run \`${command}\`, then reload the window. Or use Docker or Podman through the berth.engine setting.`,
    waysOut: [
      { label: 'Copy Setup Command', action: { kind: 'copy-command', command } },
      { label: 'Use Docker Engine', action: { kind: 'use-docker' } },
      { label: 'Choose Engine in Settings', action: { kind: 'open-settings' } },
    ],
  };
}

function currentUser(): { name: string; uid: number } {
  try {
    const u = os.userInfo();
    return { name: u.username, uid: u.uid };
  } catch {
    return { name: process.env.USER ?? String(process.getuid?.() ?? ''), uid: process.getuid?.() ?? -1 };
  }
}
