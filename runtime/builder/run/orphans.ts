// What a build killed with the daemon leaves on the host: a RUN step's task still running (its OCI
// runtime state names a bundle in the daemon's temp space) and the build's network namespace. Both
// are removed when the daemon starts again.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskNetworks } from '../../tasks/task-runner.js';
import { OciRuntime } from '../../oci/oci-runtime.js';

/** A killed daemon's build may have run its steps on either runtime. */
const RUNTIMES = ['runc', 'crun'];

/** Where builds note the network namespaces they hold (removed when the build ends). */
export function networkMarkers(root: string): string {
  return join(root, 'builds', 'networks');
}

export async function markNetwork(root: string, id: string): Promise<void> {
  await mkdir(networkMarkers(root), { recursive: true });
  await writeFile(join(networkMarkers(root), id), '');
}

export async function unmarkNetwork(root: string, id: string): Promise<void> {
  await rm(join(networkMarkers(root), id), { force: true });
}

/** Kills the tasks of `runtime` whose bundle matches; with `remove`, deletes them too. */
export async function killTasksOfBundle(runtime: OciRuntime, matches: (bundle: string) => boolean, remove = false): Promise<void> {
  for (const c of await runtime.list()) {
    if (!c.bundle || !matches(c.bundle)) continue;
    await runtime.kill(c.id, 'KILL', true).catch(() => undefined);
    if (remove) await runtime.forceDelete(c.id).catch(() => undefined);
  }
}

/** Kills and deletes tasks whose bundle is under `tempDir`; detaches marked build networks. */
/** `hasCgroup`: false for a rootless daemon (no cgroup tree to kill a task's processes by). */
export async function reapOrphans(root: string, tempDir: string, networks: TaskNetworks, hasCgroup: boolean): Promise<void> {
  for (const name of RUNTIMES) await killTasksOfBundle(new OciRuntime(name, hasCgroup), (b) => b.startsWith(`${tempDir}/`), true);
  const dir = networkMarkers(root);
  if (!existsSync(dir)) return;
  for (const id of await readdir(dir)) {
    await networks.detach(id).catch(() => undefined);
    await rm(join(dir, id), { force: true });
  }
}
