// The build context of one build: the request's tar kept as one file under the daemon's temp space
// and indexed (context-index.ts), the Dockerfile read from it, and .dockerignore applied (the CLI
// applies it already; dockerode and other clients may not, and the Dockerfile and .dockerignore
// themselves leave the context when .dockerignore names them, as in Docker).
import { rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { DockerignoreMatcher, parseDockerignore } from '../../../dockerfile/ignore/dockerignore.js';
import { InvalidError } from '../../errdefs.js';
import type { TempSpace } from '../../fs/temp-dir.js';
import { cleanPath } from '../fs/file-tree.js';
import { indexContext, type ContextIndex } from './context-index.js';
import { TarTree } from './tar-tree.js';

export class BuildContext {
  private constructor(
    private readonly dir: string,
    readonly tree: TarTree,
    readonly dockerfileName: string,
    readonly dockerfileText: string,
  ) {}

  /** Reads and indexes `body`, reads the Dockerfile, applies .dockerignore. The caller disposes it. */
  static async open(body: Readable, temp: TempSpace, dockerfile: string): Promise<BuildContext> {
    const dir = await temp.makeDir('build-context');
    let tree: TarTree | undefined;
    try {
      const index = await indexContext(body, join(dir, 'context.tar'));
      tree = new TarTree(join(dir, 'context.tar'), index);
      const name = cleanPath(dockerfile);
      if (name === '') throw new InvalidError(`the Dockerfile path "${dockerfile}" names the context folder itself`);
      const text = await readDockerfile(tree, name);
      const ignore = await tree.readFile('.dockerignore');
      if (ignore) {
        applyDockerignore(index, ignore.toString('utf8'));
        tree.reindex();
      }
      return new BuildContext(dir, tree, name, text);
    } catch (err) {
      if (!body.readableEnded) body.resume();
      await tree?.close();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async dispose(): Promise<void> {
    await this.tree.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function readDockerfile(tree: TarTree, name: string): Promise<string> {
  const candidates = name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name];
  for (const c of candidates) {
    const e = await tree.stat(c);
    if (e?.type === 'dir') throw new InvalidError(`the Dockerfile ${name} is a directory in the build context`);
    if (e?.type === 'file') return (await tree.read(e)).toString('utf8');
  }
  throw new InvalidError(`Cannot locate specified Dockerfile: ${name}`);
}

/** Drops excluded entries; a folder stays when an exception brings back something inside it. */
function applyDockerignore(index: ContextIndex, text: string): void {
  const parsed = parseDockerignore(text);
  if (parsed.errors.length) {
    const e = parsed.errors[0];
    throw new InvalidError(`error parsing .dockerignore line ${e.line + 1}: ${e.message}`);
  }
  if (!parsed.patterns.length) return;
  const matcher = new DockerignoreMatcher(parsed.patterns);
  const kept = new Set<string>();
  for (const path of index.entries.keys()) {
    if (path === '' || !matcher.excludes(path)) {
      kept.add(path);
      for (let d = posix.dirname(path); d !== '.' && !kept.has(d); d = posix.dirname(d)) kept.add(d);
    }
  }
  for (const path of [...index.entries.keys()]) if (!kept.has(path)) index.entries.delete(path);
}
