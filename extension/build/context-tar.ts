// The build context as a tar stream: the folder's files minus what .dockerignore excludes, with the
// Dockerfile and .dockerignore always in (the engine needs the first, and Docker's CLI keeps both).
import ignore from '@balena/dockerignore';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';

export interface ContextOptions {
  /** The context folder. */
  dir: string;
  /** The Dockerfile, absolute; it may lie outside the context folder. */
  dockerfile: string;
}

export interface PackedContext {
  stream: Readable;
  /** The Dockerfile's path inside the tar, for the build's `dockerfile` parameter. */
  dockerfileInTar: string;
  /** Settles when every entry is written; rejects on a read error (the stream is destroyed too). */
  done: Promise<{ files: number; bytes: number }>;
}

/** .dockerignore lines: comments and blank lines dropped, leading `/` and `./` removed as Docker does. */
export function parseDockerignore(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const neg = l.startsWith('!');
      let p = neg ? l.slice(1).trim() : l;
      p = path.posix.normalize(p.replace(/^\/+/, '')).replace(/^\.\/?/, '');
      return (neg ? '!' : '') + (p === '.' ? '' : p);
    })
    .filter((l) => l !== '' && l !== '!');
}

export function packContext(opts: ContextOptions): PackedContext {
  const dir = path.resolve(opts.dir);
  const dockerfile = path.resolve(opts.dockerfile);
  const relDockerfile = path.relative(dir, dockerfile);
  const inside = !relDockerfile.startsWith('..') && !path.isAbsolute(relDockerfile);
  // A Dockerfile outside the context goes in under a name no context file is likely to have.
  const dockerfileInTar = inside ? relDockerfile.split(path.sep).join('/') : `.berth-dockerfile-${process.pid}`;

  const pack = tar.pack();
  const out = new PassThrough();
  const done = (async () => {
    let patterns: string[] = [];
    try {
      patterns = parseDockerignore(await fs.promises.readFile(path.join(dir, '.dockerignore'), 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const matcher = ignore().add(patterns);
    const hasExceptions = patterns.some((p) => p.startsWith('!'));
    const always = new Set(['.dockerignore', inside ? dockerfileInTar : '']);
    const stats = { files: 0, bytes: 0 };

    const walk = async (rel: string): Promise<void> => {
      const abs = path.join(dir, rel);
      const entries = await fs.promises.readdir(abs, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const ent of entries) {
        const relPath = rel ? `${rel}/${ent.name}` : ent.name;
        const ignored = matcher.ignores(relPath) && !always.has(relPath);
        if (ent.isDirectory()) {
          // An excluded folder is still entered when a `!` pattern may bring something inside it back.
          if (ignored && !hasExceptions) continue;
          if (!ignored) await addEntry(pack, path.join(dir, relPath), relPath, stats);
          await walk(relPath);
        } else if (!ignored) {
          await addEntry(pack, path.join(dir, relPath), relPath, stats);
        }
      }
    };
    await walk('');
    if (!inside) await addEntry(pack, dockerfile, dockerfileInTar, stats);
    pack.finalize();
    return stats;
  })();
  done.catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
  pipeline(pack, out).catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return { stream: out, dockerfileInTar, done };
}

async function addEntry(pack: tar.Pack, abs: string, name: string, stats: { files: number; bytes: number }): Promise<void> {
  const st = await fs.promises.lstat(abs);
  const header = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: 0, gid: 0 };
  if (st.isDirectory()) {
    await entry(pack, { ...header, type: 'directory' });
  } else if (st.isSymbolicLink()) {
    await entry(pack, { ...header, type: 'symlink', linkname: await fs.promises.readlink(abs) });
  } else if (st.isFile()) {
    stats.files++;
    stats.bytes += st.size;
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ ...header, type: 'file', size: st.size }, (err) => (err ? reject(err) : resolve()));
      pipeline(fs.createReadStream(abs), sink).catch(reject);
    });
  }
  // Sockets, fifos and devices have no place in a build context.
}

function entry(pack: tar.Pack, header: Partial<tar.Header> & { name: string }): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (err) => (err ? reject(err) : resolve())));
}
