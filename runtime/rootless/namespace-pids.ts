// The processes of a container without a cgroup to list them by: every process in the pid namespace
// of its init (a container always has its own pid namespace in rootless mode).
import { readdir, readlink } from 'node:fs/promises';

export async function pidsInNamespaceOf(initPid: number): Promise<number[]> {
  const ns = await readlink(`/proc/${initPid}/ns/pid`);
  const out: number[] = [];
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (await readlink(`/proc/${d}/ns/pid`) === ns) out.push(Number(d));
    } catch { /* gone, or not ours to look at */ }
  }
  return out.sort((a, b) => a - b);
}
