// `docker cp` and `docker export` on the host side: stat a path (X-Docker-Container-Path-Stat), pack a
// path or a whole root into a tar stream, unpack an uploaded tar into a folder. Works on host paths
// the rootfs accessor resolved; never follows a symlink out of what it was given.
import { createReadStream } from 'node:fs';
import { chown, lchown, lstat, lutimes, mkdir, readdir, readlink, rm, symlink, utimes, chmod, open, link } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { InvalidError, NotFoundError } from '../errdefs.js';
import { openDecompressed } from '../layers/decompress.js';

/** Go's os.FileMode type bits, which the CLI decodes from the path stat. */
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_DEVICE = 2 ** 26;
const GO_NAMED_PIPE = 2 ** 25;
const GO_SOCKET = 2 ** 24;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_CHAR_DEVICE = 2 ** 21;
const GO_STICKY = 2 ** 20;

type EntryHeader = Parameters<tar.Pack['entry']>[0];

export interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

export function goFileMode(st: { mode: number; isDirectory(): boolean; isSymbolicLink(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean; isFIFO(): boolean; isSocket(): boolean }): number {
  let m = st.mode & 0o777;
  if (st.isDirectory()) m += GO_DIR;
  if (st.isSymbolicLink()) m += GO_SYMLINK;
  if (st.isBlockDevice()) m += GO_DEVICE;
  if (st.isCharacterDevice()) m += GO_DEVICE + GO_CHAR_DEVICE;
  if (st.isFIFO()) m += GO_NAMED_PIPE;
  if (st.isSocket()) m += GO_SOCKET;
  if (st.mode & 0o4000) m += GO_SETUID;
  if (st.mode & 0o2000) m += GO_SETGID;
  if (st.mode & 0o1000) m += GO_STICKY;
  return m;
}

/** Stat of a resolved host path for the X-Docker-Container-Path-Stat header. */
export async function statPath(hostPath: string, containerPath: string, container: string): Promise<PathStat> {
  const st = await lstat(hostPath).catch(() => { throw new NotFoundError(`Could not find the file ${containerPath} in container ${container}`); });
  return {
    name: posix.basename(containerPath) || '/', size: st.size, mode: goFileMode(st), mtime: st.mtime.toISOString(),
    linkTarget: st.isSymbolicLink() ? await readlink(hostPath) : '',
  };
}

export function encodePathStat(s: PathStat): string {
  return Buffer.from(JSON.stringify(s)).toString('base64');
}

/**
 * A container in its own user namespace: its id k is host id uid+k (gid+k). Archives carry the
 * container's ids, files on the host the host's; an id outside the range is nobody (65534) inside.
 */
export interface IdShift { uid: number; gid: number; size: number }

const toContainer = (id: number, base: number, size: number): number => (id >= base && id < base + size ? id - base : 65534);
const toHost = (id: number, base: number, size: number): number => base + (id < size ? id : 65534);

export interface PackOptions {
  /** Name of the top entry in the archive ('' for the root's contents without a prefix, as export does). */
  name: string;
  /** Absolute host paths not to descend into (mount points). */
  skip?: Set<string>;
  ids?: IdShift;
}

/**
 * Tars `hostPath` (a file, symlink or folder, not followed) into `pack`, names prefixed with `name`.
 * Hard links within the tree become tar hard links, as moby's archiver writes them.
 */
export async function packPath(pack: tar.Pack, hostPath: string, opts: PackOptions): Promise<void> {
  const seen = new Map<string, string>();
  const ids = opts.ids;
  const shifted = (h: EntryHeader): EntryHeader => (ids ? { ...h, uid: toContainer(h.uid ?? 0, ids.uid, ids.size), gid: toContainer(h.gid ?? 0, ids.gid, ids.size) } : h);
  const add = (header: EntryHeader): Promise<void> => new Promise((resolve, reject) => pack.entry(shifted(header), (err) => (err ? reject(err) : resolve())));
  const walk = async (p: string, name: string): Promise<void> => {
    const st = await lstat(p);
    const common = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    if (st.isDirectory()) {
      if (name) await add({ ...common, name: `${name}/`, type: 'directory' });
      if (opts.skip?.has(p) && name) return;
      const children = (await readdir(p)).sort();
      for (const c of children) {
        const child = join(p, c);
        if (opts.skip?.has(child)) {
          // A mount point: keep the (empty) folder, not what is mounted there.
          const cs = await lstat(child).catch(() => undefined);
          if (cs?.isDirectory()) await add({ name: name ? `${name}/${c}/` : `${c}/`, type: 'directory', mode: cs.mode & 0o7777, uid: cs.uid, gid: cs.gid, mtime: cs.mtime });
          continue;
        }
        await walk(child, name ? `${name}/${c}` : c);
      }
    } else if (st.isSymbolicLink()) {
      await add({ ...common, type: 'symlink', linkname: await readlink(p) });
    } else if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      if (st.nlink > 1 && seen.has(key)) { await add({ ...common, type: 'link', linkname: seen.get(key)!, size: 0 }); return; }
      if (st.nlink > 1) seen.set(key, name);
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry(shifted({ ...common, type: 'file', size: st.size }), (err) => (err ? reject(err) : resolve()));
        const src = createReadStream(p);
        src.on('error', reject);
        src.pipe(entry);
      });
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      // Overlay whiteouts are 0/0 character devices: they mean "deleted", never file content.
      if (st.rdev === 0) return;
      await add({ ...common, type: st.isCharacterDevice() ? 'character-device' : 'block-device', devmajor: Math.floor(st.rdev / 256) & 0xfff, devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00) });
    } else if (st.isFIFO()) {
      await add({ ...common, type: 'fifo' });
    }
    // Sockets are not archived (tar cannot hold them), as with Docker.
  };
  await walk(hostPath, opts.name);
}

export interface ExtractOptions {
  /** Refuse to replace a folder with a non-folder or the other way round (noOverwriteDirNonDir). */
  noOverwriteDirNonDir: boolean;
  /** Resolves a path relative to the destination to a host path, symlinks followed inside the container. */
  resolveParent: (rel: string) => Promise<{ dir: string; base: string }>;
  /** Where entries end up, for clear messages. */
  destination: string;
  ids?: IdShift;
}

/** Unpacks a (possibly compressed) tar stream under the destination. Entries may not climb out of it. */
export async function extractTar(input: Readable, opts: ExtractOptions): Promise<void> {
  const extract = tar.extract();
  const dirTimes: { path: string; mtime: Date }[] = [];
  extract.on('entry', (header, stream, next) => {
    void (async () => {
      const rel = posix.normalize(header.name.replace(/^\/+/, '')).replace(/\/+$/, '');
      if (rel === '..' || rel.startsWith('../')) throw new InvalidError(`invalid tar entry "${header.name}": it points outside ${opts.destination}`);
      if (rel === '.' || rel === '') {
        stream.resume();
        return;
      }
      const { dir, base } = await opts.resolveParent(rel);
      await mkdir(dir, { recursive: true });
      const target = join(dir, base);
      const existing = await lstat(target).catch(() => undefined);
      const isDir = header.type === 'directory';
      if (existing && opts.noOverwriteDirNonDir && existing.isDirectory() !== isDir) {
        throw new InvalidError(`cannot overwrite ${existing.isDirectory() ? 'directory' : 'non-directory'} "${posix.join(opts.destination, rel)}" with ${isDir ? 'directory' : 'non-directory'}`);
      }
      if (existing && !(isDir && existing.isDirectory())) await rm(target, { recursive: true, force: true });
      const mode = (header.mode ?? 0o644) & 0o7777;
      switch (header.type) {
        case 'directory':
          await mkdir(target, { recursive: true });
          await chmod(target, mode);
          dirTimes.push({ path: target, mtime: header.mtime ?? new Date() });
          stream.resume();
          break;
        case 'file': case 'contiguous-file': {
          // 'wx' after the rm above: never writes through a symlink planted at the target.
          const fh = await open(target, 'wx', mode);
          await pipeline(stream, fh.createWriteStream());
          await chmod(target, mode);
          break;
        }
        case 'symlink':
          await symlink(header.linkname ?? '', target);
          stream.resume();
          break;
        case 'link': {
          const src = await opts.resolveParent(posix.normalize((header.linkname ?? '').replace(/^\/+/, '')));
          await link(join(src.dir, src.base), target);
          stream.resume();
          break;
        }
        default:
          // Devices and FIFOs need mknod, which Node lacks; Docker users rarely copy them in.
          stream.resume();
          return;
      }
      const ids = opts.ids;
      const uid = ids ? toHost(header.uid ?? 0, ids.uid, ids.size) : header.uid ?? 0;
      const gid = ids ? toHost(header.gid ?? 0, ids.gid, ids.size) : header.gid ?? 0;
      if (header.type === 'symlink') await lchown(target, uid, gid).catch(() => undefined);
      else await chown(target, uid, gid).catch(() => undefined);
      if (header.type !== 'directory') {
        const t = header.mtime ?? new Date();
        await (header.type === 'symlink' ? lutimes(target, t, t) : utimes(target, t, t)).catch(() => undefined);
      }
    })().then(() => next(), (err: unknown) => { stream.resume(); extract.destroy(err as Error); });
  });
  const { stream } = await openDecompressed(input);
  await pipeline(stream, extract);
  // Folder times last: creating entries inside a folder changes its mtime.
  for (const d of dirTimes.reverse()) await utimes(d.path, d.mtime, d.mtime).catch(() => undefined);
}
