// WORKDIR: sets the working directory and, like Docker Engine, creates it right away (owned by root,
// 0755) so later steps and the image have it; the step's layer holds the new folders, or nothing
// when the folder exists.
import { posix } from 'node:path';
import { PassThrough } from 'node:stream';
import * as tar from 'tar-stream';
import type { WorkdirView } from '../../../dockerfile/syntax/instructions.js';
import { InvalidError } from '../../errdefs.js';
import { expand, stageLookup } from '../expand.js';
import { UnionView } from '../fs/union-view.js';
import { copyRunConfig, nopCmdString } from '../run-config.js';
import { commitStep, containerId, probeCache, type StepEnv } from './step-env.js';

/** Relative paths join the current working directory. */
export function normalizeWorkdir(current: string, requested: string): string {
  if (requested === '') throw new InvalidError('WORKDIR needs a path');
  return requested.startsWith('/') ? posix.normalize(requested).replace(/(.)\/$/, '$1') : posix.join('/', current, requested);
}

export async function workdirStep(env: StepEnv, v: WorkdirView): Promise<void> {
  const rc = env.state.runConfig;
  const dir = normalizeWorkdir(rc.WorkingDir, expand(v.path?.value ?? '', stageLookup(env.state), env.escape));
  rc.WorkingDir = dir;
  const cc = copyRunConfig(rc, { Cmd: nopCmdString(rc, `WORKDIR ${dir}`) });
  if (await probeCache(env, cc)) return;
  const id = containerId();
  env.out.runningIn(id);
  const view = new UnionView(env.layers.lowerDirs(env.state.image.topChainId));
  const missing = await missingDirs(view, dir);
  await commitStep(env, cc, { containerId: id, layer: missing ? mkdirLayer(missing.existing, missing.create) : undefined });
  if (env.options.remove) env.out.removingContainer(id);
}

interface Missing {
  /** Folders on the way that exist (copied up, as overlayfs does). */
  existing: { path: string; mode: number; uid: number; gid: number }[];
  /** Folders to create, top-down. */
  create: string[];
}

async function missingDirs(view: UnionView, dir: string): Promise<Missing | undefined> {
  const resolved = await view.resolve(dir);
  if (resolved === '') return undefined;
  const parts = resolved.split('/');
  const out: Missing = { existing: [], create: [] };
  for (let i = 1; i <= parts.length; i++) {
    const p = parts.slice(0, i).join('/');
    const e = out.create.length ? undefined : await view.lstat(p);
    if (e && e.type !== 'dir') throw new InvalidError(`Cannot mkdir: ${dir} is not a directory`);
    if (e) out.existing.push({ path: p, mode: e.stat.mode, uid: e.stat.uid, gid: e.stat.gid });
    else out.create.push(p);
  }
  return out.create.length ? out : undefined;
}

function mkdirLayer(existing: Missing['existing'], create: string[]): PassThrough {
  const pack = tar.pack();
  const out = new PassThrough();
  pack.pipe(out);
  const now = new Date();
  for (const e of existing) pack.entry({ name: `${e.path}/`, type: 'directory', mode: e.mode, uid: e.uid, gid: e.gid, mtime: now });
  for (const p of create) pack.entry({ name: `${p}/`, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: now });
  pack.finalize();
  return out;
}
