// Files the daemon makes for a container in its own user namespace belong to the container's root
// (its first host id), or root inside could not write its own upper directory, /etc/hosts or volumes.
import { chmod, chown, lstat, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidError } from '../errdefs.js';
import type { IdMap } from './id-pool.js';

/**
 * The OCI runtime makes the container's mounts (its root, /etc/hosts, volumes) as the container's
 * root, which is nobody on the host: every folder on the way must let others through (x, not r), as
 * dockerd makes /var/lib/docker 0711 under userns-remap. The container's own folder lets only its
 * group in (root:<its first gid>, 0710); see containerFolder.
 */
export async function openEngineRootForUserns(root: string): Promise<void> {
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if (!(mode & 0o001)) {
      throw new InvalidError(`a container in its own user namespace cannot reach the engine's folder ${root}: ${dir} does not let other users through (mode ${(mode & 0o777).toString(8)}); run chmod o+x ${dir}, or use --userns host`);
    }
    if (dir === '/') break;
  }
  for (const dir of [root, join(root, 'containers'), join(root, 'volumes')]) {
    const mode = (await stat(dir)).mode & 0o7777;
    if ((mode & 0o011) !== 0o011) await chmod(dir, mode | 0o011);
  }
}

/** The container's folder: root's, entered by the container's root through its group only. */
export async function containerFolder(dir: string, map: IdMap): Promise<void> {
  await chown(dir, 0, map.gid);
  await chmod(dir, 0o710);
}

export async function giveToContainerRoot(paths: string[], map: IdMap): Promise<void> {
  await Promise.all(paths.map((p) => chown(p, map.uid, map.gid)));
}

/**
 * A volume the container is the first to use (empty, still the host root's) becomes its root's, as
 * Docker's userns-remap creates volumes owned by the remapped root. A volume another container has
 * used keeps its owner: root in this container is nobody there.
 */
export async function adoptFreshVolume(dir: string, map: IdMap): Promise<void> {
  const st = await lstat(dir);
  if (st.uid !== 0 || st.gid !== 0 || (await readdir(dir)).length > 0) return;
  await chown(dir, map.uid, map.gid);
  // Its folder (meta.json and _data) is passed through, not listed: _data's own mode decides.
  const parent = dirname(dir);
  await chmod(parent, ((await stat(parent)).mode & 0o7777) | 0o011);
}
