// The daemon's first steps inside its namespaces (see launch.ts). /run belongs to the real root, so
// this mount namespace gets its own /run (a tmpfs) where runc keeps its state and `ip netns` its
// namespaces, with everything else of the host's /run bound back in place (the user's runtime dir,
// systemd-resolved's resolv.conf, ...). Only processes of this daemon see the change.
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../network/host-commands.js';
import { SLIRP_DNS } from './slirp-api.js';

/** Names this daemon owns in its own /run; the host's entries of these names are not bound back. */
const OWN_ENTRIES = new Set(['runc', 'netns', 'berth', 'xtables.lock']);

/** Made in this namespace's own /run once it is set up: a daemon that joins it later finds it so. */
const READY_MARK = '/run/.berth-namespace-ready';

export async function prepareRootlessNamespace(root: string, hasSlirp: boolean, joined = false): Promise<void> {
  // runc keeps state under $XDG_RUNTIME_DIR/runc when it sees a user namespace; here /run/runc is
  // ours, and the monitor cleans up there.
  delete process.env.XDG_RUNTIME_DIR;
  if (joined && existsSync(READY_MARK)) return;
  await ownRun();
  if (hasSlirp) await reachableResolver(root);
  // runc's state outlives this namespace in the daemon's root, so a restarted daemon (a new
  // namespace) can still stop the containers the previous one left running.
  const state = join(root, 'run', 'runc-state');
  mkdirSync(state, { recursive: true, mode: 0o700 });
  mkdirSync('/run/runc', { mode: 0o700 });
  await run('mount', ['--bind', state, '/run/runc']);
  await ownSysfs();
  await run('ip', ['link', 'set', 'lo', 'up']);
  writeFileSync(READY_MARK, '');
}

/**
 * A host resolving through a loopback server (systemd-resolved's 127.0.0.53) cannot be asked from
 * this network namespace: its /etc/resolv.conf is replaced here by slirp4netns's DNS forwarder, for
 * the daemon's own pulls and (through the usual copy) for containers.
 */
async function reachableResolver(root: string): Promise<void> {
  const text = readTextOrEmpty('/etc/resolv.conf');
  const servers = text.split('\n').map((l) => l.trim()).filter((l) => /^nameserver\s/.test(l)).map((l) => l.split(/\s+/)[1]);
  if (servers.length && !servers.every((s) => /^127\.|^::1$/.test(s))) return;
  const kept = text.split('\n').filter((l) => /^\s*(search|options)\s/.test(l));
  const file = join(root, 'run', 'resolv.conf');
  mkdirSync(join(root, 'run'), { recursive: true });
  writeFileSync(file, [`nameserver ${SLIRP_DNS}`, ...kept, ''].join('\n'));
  await run('mount', ['--bind', file, '/etc/resolv.conf']);
}

function readTextOrEmpty(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

/** The host's path `path` through a descriptor opened before something is mounted over it. */
// Mounts from these paths need `mount --no-canonicalize`: mount(8) would otherwise turn the magic
// link back into the covered path's name and bind whatever is mounted there now.
function heldOpen(path: string): { path: string; close(): void } {
  const fd = openSync(path, 'r');
  return { path: `/proc/${process.pid}/fd/${fd}`, close: () => closeSync(fd) };
}

/**
 * /sys shows the network devices of the namespace that mounted it: the host's. The network code
 * looks for its bridges and veths there, so this namespace mounts its own, with the host's cgroup
 * hierarchies bound back (runc reads them).
 */
async function ownSysfs(): Promise<void> {
  const cgroups = heldOpen('/sys/fs/cgroup');
  try {
    await run('mount', ['-t', 'sysfs', '-o', 'nosuid,nodev,noexec', 'sysfs', '/sys']);
    await run('mount', ['--no-canonicalize', '--rbind', cgroups.path, '/sys/fs/cgroup']);
  } finally {
    cgroups.close();
  }
}

async function ownRun(): Promise<void> {
  // The host's /run stays reachable through this descriptor after the tmpfs covers it.
  const held = heldOpen('/run');
  try {
    const hostRun = held.path;
    const entries = readdirSync(hostRun);
    await run('mount', ['-t', 'tmpfs', '-o', 'mode=755,nosuid,nodev', 'tmpfs', '/run']);
    for (const name of entries) {
      if (OWN_ENTRIES.has(name)) continue;
      const from = join(hostRun, name);
      const to = join('/run', name);
      try {
        const st = lstatSync(from);
        if (st.isSymbolicLink()) { symlinkSync(readlinkSync(from), to); continue; }
        if (st.isDirectory()) mkdirSync(to);
        else writeFileSync(to, '');
        await run('mount', ['--no-canonicalize', '--rbind', from, to]);
      } catch {
        // An entry this user may not read (another user's socket) is simply not there.
      }
    }
  } finally {
    held.close();
  }
}
