// An image whose `yes` and `head` are the host's GNU coreutils (with the libraries ldd names), beside
// busybox's shell. busybox's own yes|head tops out near 170 MB/s on this machine, below what the engines
// move, so a throughput bench with it would measure busybox; coreutils' pair makes over 1 GB/s.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import * as tar from 'tar-stream';

const MTIME = new Date('2024-01-01T00:00:00Z');
const PROGRAMS = ['/usr/bin/yes', '/usr/bin/head'];

/** Absolute paths of the shared objects `program` loads, as ldd resolves them on this host. */
function sharedObjects(program: string): string[] {
  const out = execFileSync('ldd', [program], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]);
}

/** A rootfs tar: /bin/busybox as sh, and the host's yes and head with their libraries at the same paths. */
export async function coreutilsRootfsTar(): Promise<Buffer> {
  for (const p of ['/bin/busybox', ...PROGRAMS]) {
    try { statSync(p); } catch { throw new Error(`${p} is missing on this host (busybox-static, coreutils)`); }
  }
  const pack = tar.pack();
  const dirs = new Set<string>();
  const dir = (name: string): void => {
    if (!name || dirs.has(name)) return;
    dir(name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '');
    dirs.add(name);
    pack.entry({ name: `${name}/`, type: 'directory', mode: name === 'tmp' ? 0o1777 : 0o755, mtime: MTIME, uid: 0, gid: 0 });
  };
  const file = (hostPath: string): void => {
    const name = hostPath.slice(1);
    dir(name.slice(0, name.lastIndexOf('/')));
    pack.entry({ name, mode: 0o755, mtime: MTIME, uid: 0, gid: 0 }, readFileSync(realpathSync(hostPath)));
  };
  for (const d of ['bin', 'usr/bin', 'etc', 'dev', 'proc', 'sys', 'tmp']) dir(d);
  file('/bin/busybox');
  pack.entry({ name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', mode: 0o777, mtime: MTIME, uid: 0, gid: 0 });
  const libs = new Set(PROGRAMS.flatMap(sharedObjects));
  for (const p of [...PROGRAMS, ...libs]) file(p);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
