// The build context of one build: the request's tar unpacked under the daemon's temp space, the
// Dockerfile read from it, and .dockerignore applied (the CLI applies it already; dockerode and
// other clients may not, and the Dockerfile and .dockerignore themselves leave the context when
// .dockerignore names them, as in Docker).
import { readFile, readdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { DockerignoreMatcher, parseDockerignore } from '../../../dockerfile/ignore/dockerignore.js';
import { InvalidError } from '../../errdefs.js';
import type { TempSpace } from '../../fs/temp-dir.js';
import { UnionView, cleanPath } from '../fs/union-view.js';
import { extractContext } from './extract.js';

export class BuildContext {
  readonly view: UnionView;

  private constructor(
    readonly dir: string,
    readonly dockerfileName: string,
    readonly dockerfileText: string,
    /** Content hash of each file by context path, for the step cache. */
    readonly hashes: Map<string, string>,
  ) {
    this.view = new UnionView([dir]);
  }

  /** Unpacks `body`, reads the Dockerfile, applies .dockerignore. The caller disposes it. */
  static async open(body: Readable, temp: TempSpace, dockerfile: string): Promise<BuildContext> {
    const dir = await temp.makeDir('build-context');
    try {
      const { hashes } = await extractContext(body, dir);
      const name = cleanPath(dockerfile);
      if (name === '') throw new InvalidError(`the Dockerfile path "${dockerfile}" names the context folder itself`);
      const text = await readDockerfile(dir, name);
      await applyDockerignore(dir, hashes);
      return new BuildContext(dir, name, text, hashes);
    } catch (err) {
      if (!body.readableEnded) body.resume();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function readDockerfile(dir: string, name: string): Promise<string> {
  const candidates = name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name];
  for (const c of candidates) {
    try {
      return await readFile(join(dir, c), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw new InvalidError(`the Dockerfile ${name} is a directory in the build context`);
      if (code !== 'ENOENT') throw err;
    }
  }
  throw new InvalidError(`Cannot locate specified Dockerfile: ${name}`);
}

async function applyDockerignore(dir: string, hashes: Map<string, string>): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(dir, '.dockerignore'), 'utf8');
  } catch {
    return;
  }
  const parsed = parseDockerignore(text);
  if (parsed.errors.length) {
    const e = parsed.errors[0];
    throw new InvalidError(`error parsing .dockerignore line ${e.line + 1}: ${e.message}`);
  }
  if (!parsed.patterns.length) return;
  const matcher = new DockerignoreMatcher(parsed.patterns);
  await prune(dir, '', matcher, hashes);
}

/** Deletes excluded paths below `rel`, descending only where an exception could bring something back. */
async function prune(dir: string, rel: string, matcher: DockerignoreMatcher, hashes: Map<string, string>): Promise<void> {
  const entries = await readdir(join(dir, rel), { withFileTypes: true });
  for (const e of entries) {
    const path = rel ? posix.join(rel, e.name) : e.name;
    if (matcher.excludes(path)) {
      if (e.isDirectory() && matcher.hasExclusions && matcher.mayIncludeUnder(path)) {
        await prune(dir, path, matcher, hashes);
        continue;
      }
      await rm(join(dir, path), { recursive: true, force: true });
      for (const k of [...hashes.keys()]) if (k === path || k.startsWith(`${path}/`)) hashes.delete(k);
      continue;
    }
    if (e.isDirectory()) await prune(dir, path, matcher, hashes);
  }
}
