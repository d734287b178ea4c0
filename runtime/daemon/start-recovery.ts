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
