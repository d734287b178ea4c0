// What a daemon killed with kill -9 can leave that no store's own reconcile sees: mounts under the
// root made for one request (`docker cp` and `docker export` views, build and commit scratch folders
// under tmp/). They are unmounted before the temp space is emptied, or its recursive delete fails
// with EBUSY (or walks into a writable view). Each repair is one log line.
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { unmount } from '../fs/overlay-mount.js';
import { mountPointsUnder } from '../fs/mount-table.js';

export type RepairLog = (line: string) => void;

/** The daemon's log (stderr), where every start-time repair is reported. */
export const startLog: RepairLog = (line) => { process.stderr.write(`berthd: ${line}\n`); };

/** A mount owned by one API request of a previous daemon: a cp/export view or anything in tmp/. */
export function isRequestMount(root: string, mountPoint: string): boolean {
  if (mountPoint.startsWith(join(root, 'tmp') + '/')) return true;
  return dirname(dirname(mountPoint)) === join(root, 'containers') && /^(ro|rw)-/.test(basename(mountPoint));
}

/** Unmounts what a killed daemon's requests left mounted under `root`; returns how many. */
export async function unmountRequestLeftovers(root: string, log: RepairLog): Promise<number> {
  let n = 0;
  for (const m of mountPointsUnder(root)) {
    if (!isRequestMount(root, m)) continue;
    try {
      await unmount(m);
      log(`unmounted ${m}, left mounted by a daemon that stopped during a request`);
      n++;
    } catch (err) {
      log(`cannot unmount ${m} (left by a daemon that stopped): ${(err as Error).message}`);
    }
  }
  return n;
}

/** Removes the empty mount point folders (ro-*, rw-*) of cp/export views in each container folder. */
export async function removeViewFolders(containerDir: string, log: RepairLog): Promise<void> {
  let names: string[];
  try { names = await readdir(containerDir); } catch { return; }
  for (const name of names.filter((x) => /^(ro|rw)-/.test(x))) {
    const p = join(containerDir, name);
    if (mountPointsUnder(containerDir).includes(p)) continue;
    await rm(p, { recursive: true, force: true }).then(
      () => log(`removed ${p}, a file view left by a daemon that stopped during docker cp or export`),
      (err: Error) => log(`cannot remove ${p}: ${err.message}`),
    );
  }
}

/** A temp file of an atomic write (`.NAME.<hex>.tmp`, fs/atomic-write.ts) that never got renamed into place. */
export const ATOMIC_TEMP = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Removes cut-off atomic writes in `dir` (not below it). */
export async function removeAtomicTemps(dir: string, log: RepairLog): Promise<void> {
  let names: string[];
  try { names = await readdir(dir); } catch { return; }
  for (const name of names.filter((n) => ATOMIC_TEMP.test(n))) {
    await rm(join(dir, name), { force: true }).then(() => log(`removed ${join(dir, name)}, a metadata write cut off by a stop`), () => undefined);
  }
}

/**
 * The store's metadata folders (the root, images/, network/, each volume's folder): a daemon killed
 * during an atomic write leaves its temp file there. Container folders are handled with their records.
 */
export async function removeMetadataTemps(root: string, log: RepairLog): Promise<void> {
  for (const dir of [root, join(root, 'images'), join(root, 'network')]) await removeAtomicTemps(dir, log);
  let volumes: string[] = [];
  try { volumes = await readdir(join(root, 'volumes')); } catch { /* none yet */ }
  for (const v of volumes) await removeAtomicTemps(join(root, 'volumes', v), log);
}
