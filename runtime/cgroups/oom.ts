// OOM kills of a container, read by its monitor from the container's memory folder. On cgroup v2 the
// counter is memory.events' oom_kill; under systemd the folder can vanish as soon as the container's
// last process exits (systemd removes an empty transient scope), so the monitor watches the file
// while the container runs and keeps the last count it saw.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { v1OomKills } from './v1-files.js';
import { v2OomKills } from './v2-files.js';

/** The OOM kill count in `dir` (memory.events on v2, memory.oom_control on v1); undefined when neither can be read. */
export function oomKillsIn(dir: string): number | undefined {
  try { return v2OomKills(readFileSync(join(dir, 'memory.events'), 'utf8')); } catch { /* v1, or gone */ }
  try { return v1OomKills(readFileSync(join(dir, 'memory.oom_control'), 'utf8')); } catch { return undefined; }
}

export interface OomWatch {
  /** True when the kernel killed a process of the container for its memory limit. */
  killed(): boolean;
  close(): void;
}

export function watchOomKills(dir: string): OomWatch {
  let last = oomKillsIn(dir) ?? 0;
  let watcher: FSWatcher | undefined;
  const file = join(dir, 'memory.events');
  try {
    // The kernel notifies writers of memory.events (kernfs_notify), so inotify sees each new kill.
    watcher = watch(file, { persistent: false }, () => { last = Math.max(last, oomKillsIn(dir) ?? 0); });
    watcher.on('error', () => watcher?.close());
  } catch { /* v1 (no memory.events) or no cgroup: the read at exit is all there is */ }
  return {
    killed: () => {
      last = Math.max(last, oomKillsIn(dir) ?? 0);
      return last > 0;
    },
    close: () => watcher?.close(),
  };
}
