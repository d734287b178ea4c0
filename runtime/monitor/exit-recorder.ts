// What a container leaves when it ends, done before anyone is told of the exit: a root the daemon
// mounted is unmounted, the exit goes on file (exit.json, read by a daemon started later), and the
// runtime's state and cgroup are released so a restart that reuses the ID is never hit by a late
// delete.
import { spawn, spawnSync } from 'node:child_process';
import type { RuntimeCommands } from '../oci/command-lines.js';
import { releaseStoppedState } from '../oci/stopped-state.js';
import { writeExitRecord } from './exit-file.js';
import type { ExitRecord, MonitorJob } from './protocol.js';

/** Unmounts, writes exit.json and releases the runtime's state; resolves when all is done. */
export function recordExit(job: MonitorJob, record: ExitRecord, commands: RuntimeCommands): Promise<void> {
  // A root the daemon mounted (fuse-overlayfs) goes before the exit is known: a restart mounts it again.
  if (job.unmountAtExit) {
    const r = spawnSync('umount', ['-l', job.unmountAtExit], { encoding: 'utf8' });
    if (r.status !== 0) process.stderr.write(`berth-monitor: cannot unmount ${job.unmountAtExit}: ${(r.stderr || r.error?.message || '').trim()}\n`);
  }
  try {
    writeExitRecord(job.containerDir, record);
  } catch (err) {
    // The daemon still learns the exit over the socket, if it is up.
    process.stderr.write(`berth-monitor: cannot record the exit of ${job.id.slice(0, 12)} (code ${record.exitCode}): ${(err as Error).message}\n`);
  }
  // keep left the state and cgroup so the OOM counter could be read.
  if (releaseStoppedState(commands, job.id, job.cgroupsPath)) return Promise.resolve();
  return new Promise((resolve) => {
    const del = spawn(commands.binary, commands.delete(job.id), { stdio: 'ignore' });
    del.on('close', () => resolve());
    del.on('error', () => resolve());
  });
}
