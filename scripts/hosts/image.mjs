// The cgroup v2 test host's disk: a Debian 12 root filesystem made with debootstrap from the Debian
// mirror this machine's apt uses, with systemd as PID 1, runc, uidmap, slirp4netns, fuse-overlayfs,
// busybox-static, this machine's Node (the tests need Node 20's test runner; bookworm's nodejs is 18)
// and docker CLI, and Debian's linux-image-amd64. It becomes a raw ext4 image (mkfs.ext4 -d: no loop
// device or mount needed) plus the kernel and initrd beside it, cached outside the repository and
// rebuilt only when this recipe changes.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GUEST_RUNNER, GUEST_UNIT } from './guest-files.mjs';

export const PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'dbus-user-session', 'libpam-systemd', 'udev', 'kmod',
  'linux-image-amd64', 'initramfs-tools',
  'runc', 'uidmap', 'slirp4netns', 'fuse-overlayfs', 'busybox-static', 'iproute2', 'iptables', 'procps',
  'util-linux', 'passwd', 'login', 'tar', 'libstdc++6',
];

const here = dirname(fileURLToPath(import.meta.url));

/** Where images live: BERTH_HOSTS_CACHE, else ~/.cache/berth/hosts (outside the repository). */
export function cacheRoot() {
  return process.env.BERTH_HOSTS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'berth', 'hosts');
}

/** The image's folder: named after a hash of everything that goes into it, so a changed recipe builds anew. */
export function imageDir() {
  const h = createHash('sha256');
  for (const f of ['image.mjs', 'guest-files.mjs']) h.update(readFileSync(join(here, f)));
  h.update(process.version);
  return join(cacheRoot(), `debian12-cgroup2-${h.digest('hex').slice(0, 12)}`);
}

export function imageFiles(dir = imageDir()) {
  return { dir, disk: join(dir, 'disk.raw'), kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'), ready: join(dir, 'ready') };
}

/** The first deb.debian.org-style URI in /etc/apt (deb822 or one-line form); BERTH_HOSTS_MIRROR overrides. */
export function debianMirror() {
  if (process.env.BERTH_HOSTS_MIRROR) return process.env.BERTH_HOSTS_MIRROR;
  const files = ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f))];
  for (const f of files) {
    if (!/\.(list|sources)$/.test(f) && f !== '/etc/apt/sources.list') continue;
    const text = readText(f);
    const deb822 = /^URIs:\s*(\S+)[^]*?^Suites:\s*([^\n]*)/m.exec(text);
    if (deb822 && /\bbookworm\b/.test(deb822[2]) && !/security/.test(deb822[1])) return deb822[1];
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (line) return line[1];
  }
  return 'http://deb.debian.org/debian';
}

function listDir(d) { try { return readdirSync(d); } catch { return []; } }
function readText(f) { try { return readFileSync(f, 'utf8'); } catch { return ''; } }

function need(cmd, pkg) {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`${cmd} is missing: install the Debian package ${pkg} (apt-get install ${pkg})`);
  }
}

function run(cmd, args, log) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-3000)}`);
  return r.stdout;
}

/**
 * Builds the image unless a finished one is cached; returns its files. Needs root (debootstrap,
 * chroot) and the Debian packages debootstrap and e2fsprogs.
 */
export function ensureImage({ log = (line) => process.stderr.write(`hosts: ${line}\n`), docker = whichDocker() } = {}) {
  const files = imageFiles();
  if (existsSync(files.ready)) return files;
  if (process.getuid?.() !== 0) throw new Error('building the cgroup v2 test host needs root (debootstrap and chroot)');
  need('debootstrap', 'debootstrap');
  need('mkfs.ext4', 'e2fsprogs');
  const started = Date.now();
  mkdirSync(cacheRoot(), { recursive: true });
  const work = `${files.dir}.build-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const rootfs = join(work, 'rootfs');
  mkdirSync(rootfs, { recursive: true });
  try {
    const mirror = debianMirror();
    log(`debootstrap bookworm from ${mirror} into ${rootfs}`);
    run('debootstrap', ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'bookworm', rootfs, mirror], log);
    configure(rootfs, docker, log);
    const boot = join(rootfs, 'boot');
    const kernel = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
    const initrd = readdirSync(boot).find((f) => f.startsWith('initrd.img-'));
    if (!kernel || !initrd) throw new Error(`linux-image-amd64 left no kernel and initrd in ${boot}`);
    copyFileSync(join(boot, kernel), join(work, 'vmlinuz'));
    copyFileSync(join(boot, initrd), join(work, 'initrd.img'));
    // Trim what a test host never reads, so mkfs copies less.
    for (const d of ['usr/share/doc', 'usr/share/man', 'usr/share/locale', 'var/cache/apt/archives', 'var/lib/apt/lists']) {
      rmSync(join(rootfs, d), { recursive: true, force: true });
      mkdirSync(join(rootfs, d), { recursive: true });
    }
    run('mkfs.ext4', ['-q', '-F', '-L', 'berthroot', '-d', rootfs, join(work, 'disk.raw'), '6G'], log);
    rmSync(rootfs, { recursive: true, force: true });
    writeFileSync(join(work, 'ready'), `${new Date().toISOString()} built in ${Math.round((Date.now() - started) / 1000)} s\n`);
    rmSync(files.dir, { recursive: true, force: true });
    renameSync(work, files.dir);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  log(`image ready in ${Math.round((Date.now() - started) / 1000)} s: ${files.dir}`);
  return files;
}

/** The docker CLI the tests drive (the one on PATH), copied into the guest as /usr/local/bin/docker. */
function whichDocker() {
  try { return execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim(); } catch { return undefined; }
}

function configure(rootfs, docker, log) {
  const at = (p) => join(rootfs, p);
  writeFileSync(at('etc/hostname'), 'berth-v2\n');
  writeFileSync(at('etc/hosts'), '127.0.0.1 localhost\n127.0.1.1 berth-v2\n::1 localhost\n');
  writeFileSync(at('etc/fstab'), 'LABEL=berthroot / ext4 rw,relatime 0 1\n');
  // No password for root on the serial console (a throwaway test machine without network).
  run('chroot', [rootfs, 'passwd', '-d', 'root'], log);
  mkdirSync(at('usr/local/bin'), { recursive: true });
  copyFileSync(process.execPath, at('usr/local/bin/node'));
  chmodSync(at('usr/local/bin/node'), 0o755);
  if (docker) {
    copyFileSync(docker, at('usr/local/bin/docker'));
    chmodSync(at('usr/local/bin/docker'), 0o755);
  }
  writeFileSync(at('usr/local/sbin/berth-hosts-run'), GUEST_RUNNER, { mode: 0o755 });
  writeFileSync(at('etc/systemd/system/berth-hosts-run.service'), GUEST_UNIT);
  mkdirSync(at('etc/systemd/system/multi-user.target.wants'), { recursive: true });
  run('chroot', [rootfs, 'systemctl', 'enable', 'berth-hosts-run.service'], log);
  // Nothing in the guest needs these at boot; under software emulation every unit costs seconds.
  for (const unit of ['apt-daily.timer', 'apt-daily-upgrade.timer', 'dpkg-db-backup.timer', 'e2scrub_all.timer', 'fstrim.timer', 'systemd-timesyncd.service']) {
    spawnSync('chroot', [rootfs, 'systemctl', 'mask', unit], { stdio: 'ignore' });
  }
  // The 9p modules load when the runner mounts the shares; the initrd only needs the disk.
  writeFileSync(at('etc/modules-load.d/berth-hosts.conf'), '9p\n9pnet_virtio\noverlay\ntun\nfuse\n');
}
