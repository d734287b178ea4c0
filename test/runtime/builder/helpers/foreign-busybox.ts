// A busybox for another architecture, for emulated-build tests: Debian's busybox-static package of
// that architecture, fetched from Debian's archive (the one network this machine has), checked
// against the archive's Packages index and cached outside the repository.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MIRROR = process.env.BERTH_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const SUITE = 'bookworm';

function cacheDir(arch: string): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'berth', 'foreign', arch);
}

async function fetchBytes(url: string): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The path of /bin/busybox of Debian's busybox-static for `arch` (a Debian architecture name). */
export async function foreignBusybox(arch: string): Promise<string> {
  const dir = cacheDir(arch);
  const busybox = join(dir, 'busybox');
  if (existsSync(busybox)) return busybox;
  mkdirSync(dir, { recursive: true });
  const index = execFileSync('xz', ['-dc'], {
    input: await fetchBytes(`${MIRROR}/dists/${SUITE}/main/binary-${arch}/Packages.xz`), maxBuffer: 512 * 1024 * 1024,
  }).toString('utf8');
  const stanza = index.split('\n\n').find((s) => s.startsWith('Package: busybox-static\n'));
  const field = (name: string): string | undefined => stanza?.match(new RegExp(`^${name}: (.+)$`, 'm'))?.[1];
  const filename = field('Filename');
  const sha256 = field('SHA256');
  if (!filename || !sha256) throw new Error(`busybox-static is not in ${MIRROR} ${SUITE} for ${arch}`);
  const deb = await fetchBytes(`${MIRROR}/${filename}`);
  const got = createHash('sha256').update(deb).digest('hex');
  if (got !== sha256) throw new Error(`${filename}: sha256 ${got}, the archive's index says ${sha256}`);
  const debPath = join(dir, 'busybox-static.deb');
  writeFileSync(debPath, deb);
  const tree = join(dir, 'tree');
  mkdirSync(tree, { recursive: true });
  execFileSync('dpkg-deb', ['-x', debPath, tree]);
  renameSync(join(tree, 'bin', 'busybox'), busybox);
  return busybox;
}
