// An overlay upper directory (what a RUN wrote) as a Docker layer tar: overlay whiteouts (0/0
// character devices) become `.wh.NAME` files and opaque directories (xattr trusted.overlay.opaque=y)
// get a `.wh..wh..opq` entry, as moby's overlay2 differ writes them. GNU tar walks the directory
// because it can read the opaque xattr, which Node cannot; the stream is rewritten entry by entry.
// fuse-overlayfs (rootless on older kernels) writes OCI's own marks: `.wh.NAME` files where it
// cannot make a 0/0 device, and a `.wh..wh..opq` file next to a `.wh..opq` device in an opaque
// directory; those pass through, and a name already written is not written twice.
import { spawn } from 'node:child_process';
import { PassThrough, pipeline as pipelineCb, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { SystemError } from '../../errdefs.js';

/** A header to write: only the name is required. */
export type TarHeader = Partial<tar.Header> & { name: string };

const OPAQUE_XATTR = 'SCHILY.xattr.trusted.overlay.opaque';
/** A rootless daemon's overlay (mounted with userxattr) marks opaque directories here instead. */
const USER_OPAQUE_XATTR = 'SCHILY.xattr.user.overlay.opaque';
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/**
 * The layer tar of `upperDir`. Errors (tar failing, a broken entry) surface on the stream.
 * `marks`: the xattr namespace overlayfs keeps its opaque marks in (the snapshotter's `markXattrs`:
 * user with a rootless daemon's userxattr). `skip(name, header)` leaves out entries (name without a
 * leading "./"), e.g. a container's mount points.
 */
export function upperDirTar(upperDir: string, marks: 'trusted' | 'user', skip?: (name: string, h: TarHeader) => boolean): Readable {
  const out = new PassThrough();
  const child = spawn('tar', [
    '--create', '--file=-', '--directory', upperDir, '--numeric-owner', '--sort=name',
    '--format=posix', '--xattrs', `--xattrs-include=${marks}.overlay.opaque`, '.',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', (err) => reject(new SystemError(`cannot run tar to commit a build step (install GNU tar): ${err.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new SystemError(`tar could not read the step's changes: ${stderr.trim() || `exit ${code}`}`))));
  });
  const extract = tar.extract();
  const pack = tar.pack();
  pipelineCb(pack, out, () => undefined);
  const written = new Set<string>();
  const rewrite = (async () => {
    for await (const entry of extract) {
      const e = entry;
      for (const h of rewriteHeader(e.header)) {
        if (written.has(h.name) || skip?.(h.name, h)) continue;
        written.add(h.name);
        // A file entry's sink must be ended even when empty, or the pack waits for it forever.
        if (h.type === 'file' && h.size) await pipeline(e, pack.entry(h));
        else if (h.type === 'file') pack.entry(h, Buffer.alloc(0));
        else pack.entry(h);
      }
      e.resume();
    }
    pack.finalize();
  })();
  Promise.all([pipeline(child.stdout, extract), rewrite, exited]).catch((err: unknown) => {
    child.kill('SIGKILL');
    pack.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return out;
}

/** GNU tar's header for an upper-dir entry → the Docker layer entries for it (0, 1 or 2). */
export function rewriteHeader(h: TarHeader): TarHeader[] {
  const name = stripDot(h.name);
  if (name === '' || name === '/') return [];
  const pax = { ...(h.pax ?? {}) } as Record<string, string>;
  // Only one of the two is ever read (see upperDirTar), so a RUN's own user.* xattrs mean nothing as root.
  const opaque = pax[OPAQUE_XATTR] === 'y' || pax[USER_OPAQUE_XATTR] === 'y';
  for (const k of Object.keys(pax)) if (k.startsWith('SCHILY.xattr.') || k === 'path' || k === 'linkpath' || k === 'size' || /^(a|c|m)time$/.test(k)) delete pax[k];
  const base: TarHeader = {
    name, mode: h.mode, uid: h.uid, gid: h.gid, uname: h.uname, gname: h.gname, mtime: h.mtime, type: h.type, size: h.size,
    ...(h.linkname ? { linkname: h.type === 'link' ? stripDot(h.linkname) : h.linkname } : {}),
    ...(h.devmajor !== undefined ? { devmajor: h.devmajor, devminor: h.devminor } : {}),
    ...(Object.keys(pax).length ? { pax } : {}),
  };
  if (h.type === 'character-device' && !h.devmajor && !h.devminor) {
    const slash = name.lastIndexOf('/', name.endsWith('/') ? name.length - 2 : name.length);
    const dir = slash >= 0 ? name.slice(0, slash + 1) : '';
    return [{ name: `${dir}${WHITEOUT_PREFIX}${name.slice(slash + 1)}`, type: 'file', size: 0, mode: 0o600, uid: h.uid, gid: h.gid, mtime: h.mtime }];
  }
  if (h.type === 'directory') {
    const dirName = name.endsWith('/') ? name : `${name}/`;
    const out: TarHeader[] = [{ ...base, name: dirName, size: 0 }];
    if (opaque) out.push({ name: `${dirName}${OPAQUE_MARKER}`, type: 'file', size: 0, mode: (h.mode ?? 0o755) & 0o777, uid: h.uid, gid: h.gid, mtime: h.mtime });
    return out;
  }
  return [base];
}

function stripDot(name: string): string {
  if (name.startsWith('./')) return name.slice(2);
  if (name === '.') return '';
  return name;
}
