// Who may reach what under the engine root once containers have their own user namespaces. runc 1.1
// makes a container's mounts (its root, /etc files, volumes, bind mounts) as the container's root,
// which is nobody on the host, so the folders on the way must let it through; nothing else may be
// reachable by other users. Hence: the root, containers/ and volumes/ pass-through only (0711, as
// dockerd makes /var/lib/docker under userns-remap), every other entry of the root closed to others,
// a container's folder root:<its first gid> 0710 (0700 without a user namespace), a volume's folder
// likewise for the one user namespace that owns the volume.
import { chmod, chown, lstat, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidError } from '../errdefs.js';
import type { IdMap } from './id-pool.js';

const PASS_THROUGH = ['containers', 'volumes'];

/** Opens the way to the engine root's containers/ and volumes/, and closes everything else to other users. */
export async function openEngineRootForUserns(root: string): Promise<void> {
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if (!(mode & 0o001)) {
      throw new InvalidError(`a container in its own user namespace cannot reach the engine's folder ${root}: ${dir} does not let other users through (mode ${(mode & 0o777).toString(8)}); run chmod o+x ${dir}, or use --userns host`);
    }
    if (dir === '/') break;
  }
  await chmod(root, 0o711);
  for (const name of await readdir(root)) {
    const path = join(root, name);
    if (PASS_THROUGH.includes(name)) await chmod(path, 0o711);
    else await closeToOthers(path);
  }
  // Folders made before the root was opened: a container or volume without a user namespace of its own.
  for (const group of PASS_THROUGH) {
    for (const name of await readdir(join(root, group)).catch(() => [] as string[])) await closeToOthers(join(root, group, name));
  }
}

async function closeToOthers(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st || st.isSymbolicLink() || !(st.mode & 0o007)) return;
  await chmod(path, st.mode & 0o7770);
}

/** The container's folder: root's, entered by the container's root through its group only. */
export async function containerFolder(dir: string, map: IdMap | undefined): Promise<void> {
  if (!map) { await chmod(dir, 0o700); return; }
  await chown(dir, 0, map.gid);
  await chmod(dir, 0o710);
}

export async function giveToContainerRoot(paths: string[], map: IdMap): Promise<void> {
  await Promise.all(paths.map((p) => chown(p, map.uid, map.gid)));
}

/**
 * A volume the container is the first to use (empty, still the host root's) becomes its root's, as
 * Docker's userns-remap creates volumes owned by the remapped root, and its folder (meta.json and
 * _data) is entered through that container's group only.
 */
export async function adoptFreshVolume(dataDir: string, map: IdMap): Promise<void> {
  const st = await lstat(dataDir);
  if (st.uid !== 0 || st.gid !== 0 || (await readdir(dataDir)).length > 0) return;
  await chown(dataDir, map.uid, map.gid);
  await containerFolder(dirname(dataDir), map);
}

/** A volume another user namespace (or the host's root) owns cannot be mounted by this container's root: say so before runc does. */
export async function assertVolumeReachable(dataDir: string, map: IdMap): Promise<void> {
  const folder = await stat(dirname(dataDir));
  const passes = (folder.mode & 0o001) !== 0 || (folder.gid === map.gid && (folder.mode & 0o010) !== 0);
  if (passes) return;
  throw new InvalidError(`volume ${basename(dirname(dataDir))} belongs to another container's user namespace or to the host's root: root in this container (its own user namespace) cannot use it; use another volume, or --userns host`);
}
