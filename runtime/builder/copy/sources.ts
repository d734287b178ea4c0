// COPY/ADD sources as the legacy builder finds them: a path relative to the source root (context or
// image), a symlink as the source followed inside the root, wildcards matched against every path
// with Go's filepath.Match (`*` never crosses `/`), each match copied whole.
import { posix } from 'node:path';
import { compileFilepathPattern, filepathPatternError, hasFilepathWildcards } from '../../../dockerfile/glob/filepath-match.js';
import { InvalidError } from '../../errdefs.js';
import { cleanPath, statPath, type TreeEntry } from '../fs/file-tree.js';
import { dirContentHash, entryContentHash, type HashSource } from './content-hash.js';

interface ItemBase {
  /** Base name used when copying into a folder: the name as written, not the symlink's target. */
  name: string;
  /** Cache hash: file:..., dir:... */
  hash: string;
}

/** A file or folder of the context or an image. */
export interface ViewItem extends ItemBase {
  kind: 'view';
  source: HashSource;
  /** The entry (symlinks already followed). */
  entry: TreeEntry;
  /** ADD may unpack this source when it is a local archive. */
  mayUnpack: boolean;
  /** The path matched inside the source root, before symlinks are followed (COPY --parents keeps it). */
  rel: string;
}

/** A file given inline (a heredoc) or downloaded (ADD URL). */
export interface InlineItem extends ItemBase {
  kind: 'inline';
  content: Buffer;
  mode: number;
  mtime: Date;
}

export type CopyItem = ViewItem | InlineItem;

/** The source path as a clean path inside the root; `..` above the root is refused. */
export function sourcePath(orig: string, what: string): string {
  const trimmed = orig.replace(/^\/+/, '');
  const normal = posix.normalize(trimmed || '.');
  if (normal === '..' || normal.startsWith('../')) {
    throw new InvalidError(`forbidden path outside the ${what}: ${orig}`);
  }
  return cleanPath(normal);
}

export interface ResolveOptions {
  source: HashSource;
  /** "build context" or "image X": used in messages. */
  what: string;
  isContext: boolean;
  mayUnpack: boolean;
}

/** The items one source path stands for. */
export async function resolveSource(orig: string, opts: ResolveOptions): Promise<CopyItem[]> {
  const rel = sourcePath(orig, opts.what);
  if (hasFilepathWildcards(rel)) return resolveWildcard(rel, opts);
  const item = await resolveOne(rel, opts);
  if (!item) {
    if (opts.isContext) {
      throw new InvalidError(`file not found in build context or excluded by .dockerignore: stat ${rel || '.'}: file does not exist`);
    }
    throw new InvalidError(`stat ${rel || '.'}: file does not exist in ${opts.what}`);
  }
  return [item];
}

async function resolveOne(rel: string, opts: ResolveOptions): Promise<ViewItem | undefined> {
  const entry = await statPath(opts.source.tree, rel);
  if (!entry) return undefined;
  const name = rel === '' ? '' : posix.basename(rel);
  const hash = entry.type === 'dir' ? await dirContentHash(opts.source, entry) : `file:${await entryContentHash(opts.source, entry)}`;
  return { kind: 'view', source: opts.source, entry, name, hash, mayUnpack: opts.mayUnpack, rel };
}

async function resolveWildcard(pattern: string, opts: ResolveOptions): Promise<CopyItem[]> {
  const matches = compileFilepathPattern(pattern);
  if (!matches) throw new InvalidError(`${filepathPatternError(pattern)} ${pattern}`);
  const depth = pattern.split('/').length;
  const out: CopyItem[] = [];
  const walk = async (rel: string, level: number): Promise<void> => {
    for (const name of await opts.source.tree.readdir(rel)) {
      const path = rel ? `${rel}/${name}` : name;
      if (level === depth) {
        if (matches(path)) {
          const item = await resolveOne(path, opts);
          if (item) out.push(item);
        }
        continue;
      }
      const e = await opts.source.tree.lstat(path);
      if (e?.type === 'dir') await walk(path, level + 1);
    }
  };
  await walk('', 1);
  return out;
}
