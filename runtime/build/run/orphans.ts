// What a build killed with the daemon leaves on the host: a RUN step's task still running (its OCI
// runtime state names a bundle in the daemon's temp space) and the build's network namespace. Both
// are removed when the daemon starts again.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TaskNetworks } from '../../tasks/task-runner.js';
import { rootlessMode } from '../../rootless/mode.js';

const run = promisify(execFile);
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
export async function killTasksOfBundle(runtime: string, matches: (bundle: string) => boolean, remove = false): Promise<void> {
  let list: { id: string; bundle: string }[];
  try {
    list = JSON.parse((await run(runtime, ['list', '--format', 'json'])).stdout || '[]') ?? [];
  } catch {
    return; // not installed, or nothing to list
  }
  for (const c of list) {
    if (!c.bundle || !matches(c.bundle)) continue;
    await run(runtime, ['kill', ...(rootlessMode() ? [] : ['--all']), c.id, 'KILL']).catch(() => undefined);
    if (remove) await run(runtime, ['delete', '--force', c.id]).catch(() => undefined);
  }
}

/** Kills and deletes tasks whose bundle is under `tempDir`; detaches marked build networks. */
export async function reapOrphans(root: string, tempDir: string, networks: TaskNetworks): Promise<void> {
  for (const runtime of RUNTIMES) await killTasksOfBundle(runtime, (b) => b.startsWith(`${tempDir}/`), true);
  const dir = networkMarkers(root);
  if (!existsSync(dir)) return;
  for (const id of await readdir(dir)) {
    await networks.detach(id).catch(() => undefined);
    await rm(join(dir, id), { force: true });
  }
}
