// Start-time repairs of container folders a killed daemon (or a killed monitor) left inconsistent.
// Each repair is one line in the daemon's log.
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ATOMIC_TEMP, removeViewFolders, type RepairLog } from '../daemon/start-recovery.js';
import { mountPointsUnder } from '../fs/mount-table.js';
import { isMountPoint, unmount } from '../fs/overlay-mount.js';
import type { ContainerPaths } from '../tasks/bundle.js';
import type { OciRuntime } from '../oci/oci-runtime.js';

/**
 * Cleans one folder under containers/ before its record is read. Returns false when the folder was a
 * create cut off before its record was written: then it is removed (nothing lists it, so nothing
 * else ever would).
 */
export async function recoverContainerFolder(dir: string, log: RepairLog): Promise<boolean> {
  await removeViewFolders(dir, log);
  let names: string[];
  try { names = await readdir(dir); } catch { return false; }
  for (const name of names.filter((n) => ATOMIC_TEMP.test(n))) {
    await rm(join(dir, name), { force: true }).then(() => log(`removed ${join(dir, name)}, a record write cut off by a stop`), () => undefined);
  }
  if (existsSync(join(dir, 'config.v2.json'))) return true;
  for (const m of mountPointsUnder(dir)) await unmount(m).catch(() => undefined);
  try {
    await rm(dir, { recursive: true, force: true });
    log(`removed ${dir}: a container create cut off before its record was written`);
  } catch (err) {
    log(`cannot remove ${dir} (a container create cut off by a stop): ${(err as Error).message}`);
  }
  return false;
}

/**
 * A container whose monitor is gone without an exit record: whatever of it still runs is killed, and
 * the runtime's state and cgroups and a root the daemon mounted are released, as the monitor would
 * have done at the exit.
 */
export async function releaseOrphanedTask(runtime: OciRuntime, id: string, p: ContainerPaths, releaseRoot: (target: string) => Promise<void>, log: RepairLog): Promise<void> {
  const state = await runtime.state(id);
  if (state) {
    await runtime.kill(id, 'SIGKILL', true).catch(() => undefined);
    try {
      await runtime.forceDelete(id);
      log(`container ${id.slice(0, 12)}: its monitor is gone; removed what ${runtime.binary} still held of it (state ${state.status}, cgroups)`);
    } catch (err) {
      log(`container ${id.slice(0, 12)}: its monitor is gone and ${runtime.binary} delete failed: ${(err as Error).message}`);
    }
  }
  if (isMountPoint(p.rootfs)) {
    await releaseRoot(p.rootfs).then(() => log(`container ${id.slice(0, 12)}: unmounted its root, left by a monitor that is gone`), () => undefined);
  }
}
