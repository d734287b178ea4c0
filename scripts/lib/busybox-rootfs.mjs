// A minimal root filesystem made from the host's static busybox (Debian package busybox-static), as a tar.
// Tests and `npm start` import it as busybox:latest with `docker import`, since there is no registry here.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';

export const DEFAULT_BUSYBOX = '/bin/busybox';

/** Fixed times keep the tar (and so the layer's diff ID) the same from run to run. */
const MTIME = new Date('2024-01-01T00:00:00Z');

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\ndaemon:x:1:\ntty:x:5:\nnogroup:x:65534:\n';

/** The applets of `busybox` as paths relative to the root, e.g. `bin/sh`, `usr/bin/env`. */
export function busyboxApplets(busybox = DEFAULT_BUSYBOX) {
  const out = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim().replace(/^\/+/, '')).filter((l) => l && l !== 'bin/busybox');
}

/**
 * Builds the rootfs tar in memory.
 * @param {{ busybox?: string }} [options]
 * @returns {Promise<Buffer>}
 */
export async function busyboxRootfsTar(options = {}) {
  const busybox = options.busybox ?? DEFAULT_BUSYBOX;
  try {
    statSync(busybox);
  } catch {
    throw new Error(`${busybox} is missing: install the Debian package busybox-static`);
  }
  const pack = tar.pack();
  const dirs = new Set();
  const dir = (name, mode = 0o755) => {
    if (dirs.has(name)) return;
    const parent = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
    if (parent) dir(parent);
    dirs.add(name);
    pack.entry({ name: `${name}/`, type: 'directory', mode, mtime: MTIME, uid: 0, gid: 0 });
  };
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'dev', 'proc', 'sys', 'var', 'home']) dir(d);
  dir('tmp', 0o1777);
  dir('root', 0o700);
  pack.entry({ name: 'bin/busybox', mode: 0o755, mtime: MTIME, uid: 0, gid: 0 }, readFileSync(busybox));
  for (const applet of busyboxApplets(busybox)) {
    if (applet.includes('/')) dir(applet.slice(0, applet.lastIndexOf('/')));
    pack.entry({ name: applet, type: 'symlink', linkname: '/bin/busybox', mode: 0o777, mtime: MTIME, uid: 0, gid: 0 });
  }
  pack.entry({ name: 'etc/passwd', mode: 0o644, mtime: MTIME, uid: 0, gid: 0 }, PASSWD);
  pack.entry({ name: 'etc/group', mode: 0o644, mtime: MTIME, uid: 0, gid: 0 }, GROUP);
  pack.finalize();
  const chunks = [];
  for await (const chunk of pack) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The same tar as a readable stream. */
export async function busyboxRootfsStream(options = {}) {
  return Readable.from([await busyboxRootfsTar(options)]);
}

/** Writes the tar to `path`. */
export async function writeBusyboxRootfsTar(path, options = {}) {
  await pipeline(await busyboxRootfsStream(options), createWriteStream(path));
}
