// Writes the layer of one COPY/ADD straight as a tar, without mounting anything: the destination
// is resolved in a view of the image (symlinks followed inside it, as Docker's FollowSymlinkInScope),
// parent folders that exist are copied up with their metadata (what overlayfs puts in a diff),
// missing ones are created 0755, then the sources follow. Ownership follows the legacy builder:
// everything copied belongs to the --chown identity (root without one), except COPY --from without
// --chown, which keeps the owners; new parent folders of a copied folder belong to root.
import { posix } from 'node:path';
import { PassThrough, pipeline as pipelineCb, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { InvalidError } from '../../errdefs.js';
import { cleanPath, resolvePath, type FileTree, type TreeEntry } from '../fs/file-tree.js';
import type { TarHeader } from '../fs/upper-tar.js';
import { archiveEntries, isArchive } from './archive.js';
import type { ModeChange } from './chmod.js';
import type { Identity } from './identity.js';
import type { CopyItem, ViewItem } from './sources.js';

export interface CopyPlan {
  /** The image the files go into (an empty view for --link). */
  destView: FileTree;
  /** Absolute destination, trailing slash kept (WORKDIR already applied). */
  dest: string;
  items: CopyItem[];
  /** Owner of everything copied; undefined keeps the source owners (COPY --from). */
  identity?: Identity;
  /** --chmod: the mode of each copied file and folder from its own. */
  chmod?: ModeChange;
  /** ADD: unpack local archives. */
  unpackArchives: boolean;
  /** Follow symlinks of the image in the destination path (not with --link). */
  followDestSymlinks: boolean;
  /** COPY --exclude: true for a path (relative to the copied folder) to leave out. */
  excluded?: (relToItem: string) => boolean;
  /** COPY --parents: each item goes to `dest/<its path in the source>` (`name` holds that path). */
  parents?: boolean;
}

const ROOT: Identity = { uid: 0, gid: 0 };
/** Files read ahead of the tar writer, and the largest size read whole. */
const READ_AHEAD = 32;
const PREFETCH_MAX = 1 << 20;

/** The layer tar of a COPY/ADD. Errors (missing parents, unreadable files) surface on the stream. */
export function copyLayerTar(plan: CopyPlan): Readable {
  const pack = tar.pack();
  const out = new PassThrough();
  // pipeline() listens for errors on both sides: a failure reaches the reader of `out`, nowhere else.
  pipelineCb(pack, out, () => undefined);
  new CopyWriter(plan, pack).run().then(() => pack.finalize(), (err: unknown) => {
    pack.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return out;
}

class CopyWriter {
  /** Paths written to the tar, with their type. */
  private readonly written = new Map<string, 'dir' | 'other'>();
  private readonly now = new Date();

  constructor(private readonly plan: CopyPlan, private readonly pack: tar.Pack) {}

  async run(): Promise<void> {
    const destRel = cleanPath(this.plan.dest);
    const intoDir = this.plan.dest.endsWith('/');
    const resolved = this.plan.followDestSymlinks ? await resolvePath(this.plan.destView, destRel) : destRel;
    for (const item of this.plan.items) {
      if (item.kind === 'view' && item.entry.type === 'dir') {
        await this.copyDir(item, this.plan.parents ? joinRel(resolved, item.name) : resolved);
      } else if (item.kind === 'view' && this.plan.unpackArchives && item.mayUnpack && item.entry.type === 'file' && await isArchive(item.source.tree, item.entry)) {
        await this.unpack(item.source.tree, item.entry, resolved);
      } else {
        const target = intoDir || this.plan.parents || await this.isDir(resolved) ? joinRel(resolved, item.name) : resolved;
        if (target === '') throw new InvalidError(`cannot copy ${item.name || 'the source'} to the root folder itself: name a file or end the destination with /`);
        await this.ensureParents(posix.dirname(target) === '.' ? '' : posix.dirname(target), this.plan.identity ?? ROOT);
        await this.copyFile(item, target);
      }
    }
    await this.flush(0);
  }

  private async isDir(rel: string): Promise<boolean> {
    if (rel === '') return true;
    const w = this.written.get(rel);
    if (w) return w === 'dir';
    return (await this.plan.destView.lstat(rel))?.type === 'dir';
  }

  /** Emits `dir` and its parents: existing ones copied up, missing ones created for `owner`. */
  private async ensureParents(dir: string, owner: Identity): Promise<void> {
    if (dir === '') return;
    const parts = dir.split('/');
    for (let i = 1; i <= parts.length; i++) await this.ensureDir(parts.slice(0, i).join('/'), owner, undefined);
  }

  /** Emits one folder unless written already; returns whether it existed in the image. */
  private async ensureDir(rel: string, owner: Identity, mode: number | undefined): Promise<boolean> {
    const w = this.written.get(rel);
    if (w === 'dir') return true;
    const existing = w ? undefined : await this.plan.destView.lstat(rel);
    if (existing && existing.type !== 'dir') {
      throw new InvalidError(`cannot copy to /${rel}: it exists in the image and is not a directory`);
    }
    const st = existing?.stat;
    this.entry({
      name: `${rel}/`, type: 'directory', mode: st ? st.mode : mode ?? 0o755,
      uid: st ? st.uid : owner.uid, gid: st ? st.gid : owner.gid, mtime: this.now,
    });
    this.written.set(rel, 'dir');
    return existing !== undefined;
  }

  private async copyDir(item: ViewItem, target: string): Promise<void> {
    const destExisted = target === '' || await this.isDir(target);
    if (target !== '') {
      await this.ensureParents(posix.dirname(target) === '.' ? '' : posix.dirname(target), ROOT);
      // The copied folder itself: kept as it is when it existed, else new and owned like its content.
      const owner = destExisted ? ROOT : this.plan.identity ?? ROOT;
      await this.ensureDir(target, owner, this.plan.chmod?.(0o755, true));
    }
    await this.walk(item, item.entry.path, target);
  }

  private async walk(item: ViewItem, srcRel: string, destRel: string, relToItem = ''): Promise<void> {
    const view = item.source.tree;
    for (const name of await view.readdir(srcRel)) {
      const src = srcRel ? `${srcRel}/${name}` : name;
      const dest = joinRel(destRel, name);
      const rel = joinRel(relToItem, name);
      if (this.plan.excluded?.(rel)) continue;
      const e = await view.lstat(src);
      if (!e) continue;
      if (e.type === 'dir') {
        const owner = this.ownerOf(e);
        this.entry({ name: `${dest}/`, type: 'directory', mode: this.mode(e.stat.mode, true), ...owner, mtime: e.stat.mtime });
        this.written.set(dest, 'dir');
        await this.walk(item, src, dest, rel);
      } else {
        await this.emitEntry(view, e, dest);
        await this.flush(READ_AHEAD);
      }
    }
  }

  private mode(source: number, isDir: boolean): number {
    return this.plan.chmod ? this.plan.chmod(source & 0o7777, isDir) : source & 0o7777;
  }

  private ownerOf(e: TreeEntry): Identity {
    return this.plan.identity ?? { uid: e.stat.uid, gid: e.stat.gid };
  }

  private async copyFile(item: CopyItem, target: string): Promise<void> {
    if (item.kind === 'inline') {
      const owner = this.plan.identity ?? ROOT;
      this.written.set(target, 'other');
      this.queue({ name: target, type: 'file', size: item.content.length, mode: this.mode(item.mode, false), ...owner, mtime: item.mtime }, Promise.resolve(item.content));
      return;
    }
    await this.emitEntry(item.source.tree, item.entry, target);
  }

  /** A file, symlink or other non-folder entry of a source tree at `dest`. */
  private async emitEntry(tree: FileTree, e: TreeEntry, dest: string): Promise<void> {
    const owner = this.ownerOf(e);
    this.written.set(dest, 'other');
    const base = { name: dest, ...owner, mtime: e.stat.mtime };
    if (e.type === 'symlink') {
      this.entry({ ...base, type: 'symlink', linkname: await tree.readlink(e.path), mode: 0o777 });
    } else if (e.type === 'file') {
      const header: TarHeader = { ...base, type: 'file', size: e.stat.size, mode: this.mode(e.stat.mode, false) };
      if (e.stat.size <= PREFETCH_MAX) {
        this.queue(header, tree.read(e));
      } else {
        await this.flush(0);
        await pipeline(tree.open(e), this.pack.entry(header));
      }
    }
    // Sockets, FIFOs and devices are not copied.
  }

  private async unpack(tree: FileTree, archive: TreeEntry, target: string): Promise<void> {
    await this.ensureParents(target, ROOT);
    for await (const entry of archiveEntries(tree, archive)) {
      const h = entry.header;
      const rel = archivePath(h.name);
      if (rel === '') {
        entry.resume();
        continue;
      }
      const dest = joinRel(target, rel);
      const parent = posix.dirname(dest) === '.' ? '' : posix.dirname(dest);
      await this.ensureParents(parent, ROOT);
      const base = { name: dest, mode: (h.mode ?? 0o644) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, mtime: h.mtime ?? this.now };
      switch (h.type) {
        case 'directory':
          entry.resume();
          this.entry({ ...base, name: `${dest}/`, type: 'directory' });
          this.written.set(dest, 'dir');
          break;
        case 'file':
        case 'contiguous-file':
          this.written.set(dest, 'other');
          await this.flush(0);
          await pipeline(entry, this.pack.entry({ ...base, type: 'file', size: h.size ?? 0 }));
          break;
        case 'symlink':
          entry.resume();
          this.entry({ ...base, type: 'symlink', linkname: h.linkname ?? '' });
          this.written.set(dest, 'other');
          break;
        case 'link':
          entry.resume();
          this.entry({ ...base, type: 'link', linkname: joinRel(target, archivePath(h.linkname ?? '')) });
          this.written.set(dest, 'other');
          break;
        default:
          entry.resume();
      }
    }
  }

  private entry(h: TarHeader): void {
    this.queue(h, undefined);
  }

  /**
   * Entries go out in order, but the contents of small files are read ahead, many at once: reading
   * one file after another is what made a large COPY slow.
   */
  private queue(h: TarHeader, data: Promise<Buffer> | undefined): void {
    data?.catch(() => undefined); // reported when flushed
    this.pending.push({ h, data });
  }

  /** Writes queued entries until at most `keep` are left. */
  async flush(keep: number): Promise<void> {
    while (this.pending.length > keep) {
      const { h, data } = this.pending.shift() as { h: TarHeader; data: Promise<Buffer> | undefined };
      if (!data) {
        this.pack.entry(h);
        continue;
      }
      const content = await data;
      if (content.length !== h.size) throw new InvalidError(`/${h.name} changed while it was being copied`);
      this.pack.entry(h, content);
    }
  }

  private readonly pending: { h: TarHeader; data: Promise<Buffer> | undefined }[] = [];
}

function joinRel(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** An archive member's name inside the destination; `..` escaping it is refused. */
function archivePath(name: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!parts.length) throw new InvalidError(`ADD: the archive entry "${name}" points outside the destination; refusing to unpack it`);
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}
