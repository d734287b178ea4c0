// Fake cgroup trees in temp folders, laid out as the kernel shows them, for the cgroups unit tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeTree { root: string; dir(rel: string, files: Record<string, string>): string; dispose(): void }

export function fakeTree(): FakeTree {
  const root = mkdtempSync(join(tmpdir(), 'berth-cgroups-'));
  return {
    root,
    dir(rel, files) {
      const d = join(root, rel);
      mkdirSync(d, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
      return d;
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** What a busy container's v2 folder holds (figures as a 6.1 kernel prints them). */
export const V2_FILES = {
  'memory.current': '10485760\n',
  'memory.max': '67108864\n',
  'memory.stat': 'anon 6291456\nfile 4194304\nkernel_stack 16384\nactive_file 1048576\ninactive_file 3145728\npgfault 1200\n',
  'memory.events': 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n',
  'cpu.stat': 'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 40\nnr_throttled 7\nthrottled_usec 350000\n',
  'pids.current': '3\n',
  'pids.max': '64\n',
  'io.stat': '254:0 rbytes=8192 wbytes=4096 rios=2 wios=1 dbytes=0 dios=0\n7:1 rbytes=512 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n',
  'cgroup.events': 'populated 1\nfrozen 0\n',
};
