// A build context folder as the tar stream the engine's build API takes, minus what .dockerignore
// excludes, read as the docker CLI reads it (dockerfile/ignore: column-0 `#` comments, `!`
// exceptions, cleaned paths). The Dockerfile and .dockerignore always go in, as the CLI sends them.
// One packer for berth-compose and the extension's Build Image.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { DockerignoreMatcher, parseDockerignore } from '../../dockerfile/ignore/dockerignore';

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

/** The context's .dockerignore; throws naming the line when Docker would refuse it. */
export function readDockerignore(dir: string): DockerignoreMatcher {
  const file = path.join(dir, '.dockerignore');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new DockerignoreMatcher([]);
    throw err;
  }
  const parsed = parseDockerignore(text);
  const bad = parsed.errors[0];
  if (bad) throw new Error(`${file}:${bad.line + 1}: ${bad.message}; fix or remove that line`);
  return new DockerignoreMatcher(parsed.patterns);
}

/** Starts packing; throws at once when the .dockerignore is malformed. */
export function packContext(opts: ContextOptions): PackedContext {
  const dir = path.resolve(opts.dir);
  const dockerfile = path.resolve(opts.dockerfile);
  const relDockerfile = path.relative(dir, dockerfile);
  const inside = !relDockerfile.startsWith('..') && !path.isAbsolute(relDockerfile);
  // A Dockerfile outside the context goes in under a name no context file is likely to have.
  const dockerfileInTar = inside ? relDockerfile.split(path.sep).join('/') : `.berth-dockerfile-${process.pid}`;
  const matcher = readDockerignore(dir);

  const pack = tar.pack();
  const out = new PassThrough();
  const done = (async () => {
    const always = new Set(['.dockerignore', inside ? dockerfileInTar : '']);
    const keptBelow = (rel: string): boolean => [...always].some((a) => a.startsWith(`${rel}/`));
    const stats = { files: 0, bytes: 0 };

    const walk = async (rel: string): Promise<void> => {
      const abs = path.join(dir, rel);
      const entries = await fs.promises.readdir(abs, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const ent of entries) {
        const relPath = rel ? `${rel}/${ent.name}` : ent.name;
        const ignored = matcher.excludes(relPath) && !always.has(relPath);
        if (ent.isDirectory()) {
          // An excluded folder is still entered when a `!` pattern may bring something inside it back.
          if (ignored && !matcher.mayIncludeUnder(relPath) && !keptBelow(relPath)) continue;
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
