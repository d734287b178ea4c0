// Host-side access to a container's files, for `docker cp` and `docker export`.
// Reading (archive GET/HEAD, export) mounts a read-only overlay of [upper, ...image layers] on a temp
// folder: it works for running and stopped containers alike and never touches the container's own
// mount. Writing (archive PUT) goes through /proc/<pid>/root while the container runs, else through a
// read-write overlay of the container's upper directory. Paths are resolved inside that root with
// symlinks followed *within* it (a container's `/etc -> /` must not lead to the host's /etc), and
// paths under a volume or bind mount go to the mount's source.
import { lstat, mkdtemp, readlink, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InvalidError } from '../errdefs.js';
import type { IdShift, Snapshotter } from '../snapshots/snapshotter.js';

export interface RootfsLayout {
  /** The container's overlay upper and work directories. */
  upper: string;
  work: string;
  /** Image layer directories, bottom layer first. */
  layerDirs: string[];
  /** Volume and bind mounts: container destination -> host source. */
  mounts: { destination: string; source: string }[];
  /** Host pid of the container's init while it runs, else 0. */
  pid: number;
  /** Where temporary mount points may be created (the container's folder). */
  scratch: string;
  /**
   * Set for a container in its own user namespace: views then show the image layers with shifted ids,
   * so every file has the host id the container's one maps to.
   */
  idShift?: IdShift;
  /** How the views are mounted (the daemon's snapshotter). */
  snapshotter: Snapshotter;
}

export interface RootfsView {
  /** Host path of the folder holding the container's `/`. */
  root: string;
  /** Host path for a container path: symlinks resolved inside the container; mounts mapped. */
  resolve(containerPath: string, followLast?: boolean): Promise<string>;
  /** Host path of the parent folder plus the unresolved last component (for writes that replace it). */
  resolveParent(containerPath: string): Promise<{ dir: string; base: string }>;
  /** Container mount destinations (skipped by export). */
  mountPoints: string[];
}

const MAX_LINKS = 255;

/**
 * Resolves `path` (absolute, inside the container) to a path relative to the container root with
 * every symlink followed inside the root. `readLink(rel)` returns the target or undefined.
 */
export async function resolveInRoot(path: string, readLink: (rel: string) => Promise<string | undefined>, followLast = true): Promise<string> {
  if (!path.startsWith('/')) throw new InvalidError(`path "${path}" must be absolute`);
  let pending = path.split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    const candidate = [...done, part].join('/');
    const target = (pending.length || followLast) ? await readLink(candidate) : undefined;
    if (target === undefined) { done.push(part); continue; }
    if (++hops > MAX_LINKS) throw new InvalidError(`too many levels of symbolic links in "${path}"`);
    const parts = target.split('/').filter(Boolean);
    if (target.startsWith('/')) done.length = 0;
    pending = [...parts, ...pending];
  }
  return done.join('/');
}

async function linkTarget(hostPath: string): Promise<string | undefined> {
  try {
    const st = await lstat(hostPath);
    return st.isSymbolicLink() ? await readlink(hostPath) : undefined;
  } catch {
    return undefined;
  }
}

function makeView(root: string, layout: RootfsLayout, mapMounts: boolean): RootfsView {
  const mounts = [...layout.mounts].sort((a, b) => b.destination.length - a.destination.length);
  const hostOf = (rel: string): string => {
    const abs = `/${rel}`;
    if (mapMounts) {
      for (const m of mounts) {
        if (abs === m.destination || abs.startsWith(`${m.destination}/`)) return join(m.source, abs.slice(m.destination.length));
      }
    }
    return join(root, rel);
  };
  const resolve = async (p: string, followLast = true): Promise<string> => hostOf(await resolveInRoot(posix.normalize(p), (rel) => linkTarget(hostOf(rel)), followLast));
  return {
    root,
    resolve,
    async resolveParent(p) {
      const norm = posix.normalize(p).replace(/\/+$/, '') || '/';
      const base = posix.basename(norm);
      return { dir: await resolve(posix.dirname(norm)), base };
    },
    mountPoints: layout.mounts.map((m) => m.destination),
  };
}

/** Read-only view of the container's files for the duration of `fn`. */
export async function withReadView<T>(layout: RootfsLayout, fn: (v: RootfsView) => Promise<T>): Promise<T> {
  const mnt = await mkdtemp(join(layout.scratch, 'ro-'));
  // Without an upperdir the mount is read-only, and the container's live upper is just a lower layer.
  await layout.snapshotter.mount({ layers: [...layout.layerDirs].reverse(), above: [layout.upper], target: mnt, idShift: layout.idShift });
  try {
    return await fn(makeView(mnt, layout, true));
  } finally {
    await layout.snapshotter.release(mnt).catch(() => undefined);
    await rm(mnt, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Writable view: the running container's root, or a read-write overlay of a stopped one. */
export async function withWriteView<T>(layout: RootfsLayout, fn: (v: RootfsView) => Promise<T>): Promise<T> {
  if (layout.pid) {
    // The live root already has the volumes mounted where the container sees them.
    return fn(makeView(`/proc/${layout.pid}/root`, layout, false));
  }
  const mnt = await mkdtemp(join(layout.scratch, 'rw-'));
  await layout.snapshotter.mount({ layers: [...layout.layerDirs].reverse(), upper: layout.upper, work: layout.work, target: mnt, idShift: layout.idShift });
  try {
    return await fn(makeView(mnt, layout, true));
  } finally {
    await layout.snapshotter.release(mnt).catch(() => undefined);
    await rm(mnt, { recursive: true, force: true }).catch(() => undefined);
  }
}

