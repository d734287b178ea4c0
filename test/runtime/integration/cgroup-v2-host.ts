// Shared by the cgroup-v2-*.test.ts files: whether this host is one they are meant for, and where a
// running container's cgroup is (read from /proc/<pid>/cgroup, so the same for every driver).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * These tests check what only a unified cgroup v2 host run by systemd has (memory.events, cgroup.freeze,
 * systemd scopes, delegation to users). The machine CI and development run on mounts cgroup v1
 * controllers, so here they skip with this reason; `npm run test:hosts` runs them inside a Debian 12
 * VM that boots with the unified hierarchy (scripts/hosts/).
 */
export function v2SkipReason(): string | undefined {
  if (!existsSync('/sys/fs/cgroup/cgroup.controllers')) return 'this host mounts cgroup v1 controllers; these tests run on a unified cgroup v2 host (npm run test:hosts boots one)';
  if (!existsSync('/run/systemd/system')) return 'systemd is not PID 1 here; these tests expect a systemd cgroup v2 host (npm run test:hosts boots one)';
  return undefined;
}

/** The cgroup v2 folder of process `pid`. */
export function cgroupDirOfPid(pid: number): string {
  const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
  if (!line) throw new Error(`process ${pid} has no cgroup v2 entry`);
  return join('/sys/fs/cgroup', line.slice(3));
}

export function readCgroupFile(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8').trim();
}
