// RUN --mount with BuildKit's semantics: the flags of one RUN, expanded and checked before anything
// is made (a bad one fails the step with the flag and the Dockerfile line, and leaves no cache or
// layer behind), then turned into the step's extra OCI mounts. Nothing a mount holds reaches the
// step's layer: mounts sit on top of the overlay, and the file stubs the runtime creates for secret
// and ssh targets are removed afterwards (BuildKit leaves the folders a target needed, and so do we).
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseMount, type RunMount } from '../../../dockerfile/syntax/run-flags.js';
import type { RunView } from '../../../dockerfile/syntax/instructions.js';
import { InvalidError } from '../../errdefs.js';
import type { OciMount } from '../../tasks/oci-spec.js';
import { expandWord } from '../../../dockerfile/expansion/lexer.js';
import { stageLookup } from '../expand.js';
import { cleanPath, resolvePath, type FileTree } from '../fs/file-tree.js';
import { UnionView } from '../fs/union-view.js';
import type { StepEnv } from '../steps/step-env.js';
import type { BuildSecrets } from './build-secrets.js';
import type { CacheMountStore } from './cache-mount-store.js';
import { materialize } from './materialize.js';
import { forwardAgent, type SshForward } from './ssh-forward.js';

/** What RUN --mount uses during one build. */
export interface BuildMounts {
  readonly cacheStore: CacheMountStore;
  readonly secrets: BuildSecrets;
  /** The build's scratch folder: read-only bind sources are written out there once per build. */
  readonly scratch: string;
  /** Read-only bind sources already written out, by source (context or image) and path. */
  readonly copies: Map<string, Promise<string>>;
}

/** One --mount of a RUN, expanded, with its absolute target. */
export interface StepMount {
  /** `--mount=<value as written>`, for messages. */
  readonly flag: string;
  readonly mount: RunMount;
  readonly target: string;
  /** The cache id or secret/ssh id the mount uses. */
  readonly id: string;
}

export interface PreparedMounts {
  readonly oci: OciMount[];
  /** Env the step's process gets (secret env=, SSH_AUTH_SOCK); never recorded in the image. */
  readonly env: string[];
  /** Removes the runtime's stubs for file targets from the step's writes. */
  tidyUpper(upper: string, lower: UnionView): Promise<void>;
  release(): Promise<void>;
}

/** An error of one --mount flag, naming it and the Dockerfile line. */
export function mountError(line: number, flag: string, message: string): InvalidError {
  return new InvalidError(`Dockerfile line ${line}: RUN ${flag}: ${message}`);
}

/** Expands and checks every --mount of a RUN; throws before anything is created. */
export function stepMounts(env: StepEnv, v: RunView): StepMount[] {
  const line = v.instruction.startLine + 1;
  const lookup = stageLookup(env.state);
  const out: StepMount[] = [];
  let sshCount = 0;
  for (const m of v.mounts) {
    const flag = `--mount=${m.flag.value ?? ''}`;
    const parsed = parseMount(m.flag.value ?? '', (value) => {
      const r = expandWord(value, lookup, env.escape);
      return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error.message };
    });
    if (!parsed.ok) throw mountError(line, flag, parsed.error);
    const mount = parsed.value;
    let target = mount.target ?? '';
    let id = mount.id ?? '';
    if (mount.type === 'secret') {
      id = id || mount.source || (target ? posix.basename(target) : '');
      if (!id) throw mountError(line, flag, 'a secret mount needs an id (id=NAME)');
      if (!target && !mount.env) target = `/run/secrets/${id}`;
    } else if (mount.type === 'ssh') {
      id = id || 'default';
      target ||= `/run/buildkit/ssh_agent.${sshCount}`;
      sshCount++;
    } else if (!target) {
      throw mountError(line, flag, `a ${mount.type} mount needs a target (target=PATH)`);
    }
    if (target) target = posix.resolve('/', env.state.runConfig.WorkingDir || '/', target);
    if (target === '/') throw mountError(line, flag, 'cannot mount over the root folder (target=/)');
    if (mount.type === 'cache') id ||= target;
    if (mount.type === 'bind' && mount.source && posix.normalize(mount.source).split('/')[0] === '..') {
      throw mountError(line, flag, `source "${mount.source}" is outside the ${mount.from ? `root of ${mount.from}` : 'build context'}`);
    }
    if (mount.type === 'tmpfs' && mount.from) throw mountError(line, flag, 'a tmpfs mount has no from');
    out.push({ flag, mount, target, id });
  }
  return out;
}

/** What the step cache keys on: every mount's settings (ids, never secret values). */
export function mountsCacheKey(mounts: readonly StepMount[]): string {
  return JSON.stringify(mounts.map(({ mount: m, target, id }) => [m.type, target, id, m.from, m.source, m.readOnly, m.sharing, m.sizeLimit, m.required, m.env, m.mode, m.uid, m.gid]));
}

/** Makes the mounts of one step (in `dir`, its scratch folder); release() undoes what it made. */
export async function prepareMounts(env: StepEnv, mounts: readonly StepMount[], dir: string, line: number, command: string): Promise<PreparedMounts> {
  const oci: OciMount[] = [];
  const procEnv: string[] = [];
  const undo: (() => Promise<void>)[] = [];
  const fileTargets: string[] = [];
  let sshEnvSet = false;
  const release = async (): Promise<void> => {
    for (const u of undo.splice(0).reverse()) await u().catch(() => undefined);
  };
  try {
    for (const [n, sm] of mounts.entries()) {
      const { mount: m, target, flag } = sm;
      const fail = (message: string): InvalidError => mountError(line, flag, message);
      switch (m.type) {
        case 'tmpfs': {
          oci.push({ destination: target, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...(m.sizeLimit !== null ? [`size=${m.sizeLimit}`] : []), ...(m.readOnly ? ['ro'] : [])] });
          break;
        }
        case 'bind': {
          const { tree, what, key, layers } = await treeOf(env, m.from, fail);
          const rel = await resolvePath(tree, cleanPath(m.source ?? ''));
          if (!(await tree.lstat(rel)) && rel !== '') throw fail(`source "${m.source}" not found in the ${what}`);
          if (layers?.length) {
            // A stage's or an image's files are mounted, not copied, as BuildKit binds its snapshots:
            // their layers through the snapshotter, read-only, or with the step's own discarded upper.
            const snapshotter = (await env.tasks()).snapshotter;
            const view = join(dir, `mount-${n}`);
            await mkdir(view);
            const rw = m.readOnly ? {} : { upper: join(dir, `mount-${n}-upper`), work: join(dir, `mount-${n}-work`) };
            if (rw.upper) await Promise.all([mkdir(rw.upper), mkdir(rw.work)]);
            undo.push(() => snapshotter.release(view));
            await snapshotter.mount({ layers, target: view, ...rw });
            oci.push({ destination: target, type: 'bind', source: join(view, rel), options: ['rbind', 'rprivate', m.readOnly ? 'ro' : 'rw'] });
            break;
          }
          const writeOut = async (host: string): Promise<string> => {
            if (rel === '' && !(await tree.lstat(''))) await mkdir(host);
            else await materialize(tree, rel, host, env.signal);
            return host;
          };
          // The build context is a tar, not a folder: it is written out, as BuildKit syncs it into a
          // snapshot. A read-only source is written out once per build; rw gets its own copy,
          // discarded after the step.
          const copyKey = `${key}:${rel}`;
          let host: string;
          if (m.readOnly) {
            const copies = env.mounts.copies;
            let made = copies.get(copyKey);
            if (!made) {
              made = writeOut(join(env.mounts.scratch, `bind-${randomBytes(6).toString('hex')}`));
              copies.set(copyKey, made);
              made.catch(() => copies.delete(copyKey));
            }
            host = await made;
          } else {
            host = await writeOut(join(dir, `mount-${n}`));
          }
          oci.push({ destination: target, type: 'bind', source: host, options: ['rbind', 'rprivate', m.readOnly ? 'ro' : 'rw'] });
          break;
        }
        case 'cache': {
          let key = sm.id;
          let seed: { tree: FileTree; rel: string } | undefined;
          if (m.from) {
            const src = await treeOf(env, m.from, fail);
            const rel = await resolvePath(src.tree, cleanPath(m.source ?? ''));
            seed = { tree: src.tree, rel };
            key += `\nfrom=${src.key}:${rel}`;
          }
          const lease = await env.mounts.cacheStore.acquire({
            id: sm.id, key, sharing: m.sharing ?? 'shared', fresh: env.options.noCache,
            description: `cached mount ${target} from exec ${command}`,
            init: async (data) => {
              if (seed && (await seed.tree.lstat(seed.rel))?.type === 'dir') {
                await rm(data, { recursive: true, force: true });
                await materialize(seed.tree, seed.rel, data, env.signal);
              }
              await chown(data, m.uid ?? 0, m.gid ?? 0);
              await chmod(data, m.mode ?? 0o755);
            },
          });
          undo.push(() => lease.release());
          oci.push({ destination: target, type: 'bind', source: lease.data, options: ['rbind', 'rprivate', m.readOnly ? 'ro' : 'rw'] });
          break;
        }
        case 'secret': {
          const value = env.mounts.secrets.secrets.get(sm.id);
          if (!value) {
            if (m.required) throw fail(`secret "${sm.id}" is required, and the build request carries no secret with that id`);
            break;
          }
          if (m.env) procEnv.push(`${m.env}=${value.toString('utf8')}`);
          if (!target) break;
          // Kept in memory-backed /dev/shm where there is one, so the value never reaches a disk.
          const base = existsSync('/dev/shm') ? '/dev/shm' : dir;
          const file = join(base, `berth-secret-${randomBytes(12).toString('hex')}`);
          undo.push(() => rm(file, { force: true }));
          await writeFile(file, value, { mode: 0o600 });
          await chown(file, m.uid ?? 0, m.gid ?? 0);
          await chmod(file, m.mode ?? 0o400);
          oci.push({ destination: target, type: 'bind', source: file, options: ['rbind', 'rprivate', 'ro'] });
          fileTargets.push(target);
          break;
        }
        case 'ssh': {
          const agent = env.mounts.secrets.ssh.get(sm.id);
          if (!agent) {
            if (m.required) throw fail(`ssh agent "${sm.id}" is required, and the build request carries none with that id`);
            break;
          }
          let fwd: SshForward;
          try {
            fwd = await forwardAgent(agent, join(dir, `ssh-${n}.sock`), m.mode ?? 0o600, m.uid ?? 0, m.gid ?? 0);
          } catch (err) {
            throw fail(`cannot forward the ssh agent "${sm.id}": ${(err as Error).message}`);
          }
          undo.push(() => fwd.close());
          oci.push({ destination: target, type: 'bind', source: fwd.path, options: ['rbind', 'rprivate'] });
          fileTargets.push(target);
          if (!sshEnvSet) procEnv.push(`SSH_AUTH_SOCK=${target}`);
          sshEnvSet = true;
          break;
        }
      }
    }
  } catch (err) {
    await release();
    throw err;
  }
  return {
    oci, env: procEnv, release,
    tidyUpper: async (upper, lower) => {
      for (const t of fileTargets) {
        const p = join(upper, t);
        const st = await lstat(p).catch(() => undefined);
        if (st?.isFile() && st.size === 0 && !(await lower.lstat(t.slice(1)))) await rm(p, { force: true });
      }
    },
  };
}

/** The files a bind or cache mount takes from: the context, a stage, or an image. */
async function treeOf(env: StepEnv, from: string | null, fail: (m: string) => InvalidError): Promise<{ tree: FileTree; what: string; key: string; layers?: string[] }> {
  if (!from) return { tree: env.context.tree, what: 'build context', key: 'context' };
  const src = await env.fromSource(from).catch((err: unknown) => { throw fail((err as Error).message); });
  if (src.kind === 'scratch') return { tree: new UnionView([]), what: `stage ${from}`, key: 'scratch' };
  const top = src.entry.chainIds[src.entry.chainIds.length - 1];
  const layers = top ? env.layers.lowerDirs(top) : [];
  return { tree: new UnionView(layers), what: `root of ${from}`, key: src.entry.id, layers };
}
