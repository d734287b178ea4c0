// exit.json: how a container ended, written by its monitor and read by a daemon started later. It must
// be written even on a full disk (else the exit code is lost for good): when the file cannot get its
// bytes, the essentials go into a symlink's target, which file systems keep in the inode.
import { readFileSync, readlinkSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExitRecord } from './protocol.js';

const LINK_PREFIX = 'exit:';

/** Writes `record` atomically as <dir>/exit.json. Throws only when not even the symlink can be made. */
export function writeExitRecord(dir: string, record: ExitRecord): void {
  const tmp = join(dir, '.exit.json.tmp');
  try { unlinkSync(tmp); } catch { /* none */ }
  try {
    writeFileSync(tmp, JSON.stringify(record));
  } catch {
    try { unlinkSync(tmp); } catch { /* never made */ }
    // exit:<code>:<oom 0|1>:<finished at>: short enough for an inline symlink (ext4: 60 bytes).
    symlinkSync(`${LINK_PREFIX}${record.exitCode}:${record.oomKilled ? 1 : 0}:${record.finishedAt}`, tmp);
  }
  renameSync(tmp, join(dir, 'exit.json'));
}

/** The exit record at `path`, in either form; undefined when there is none (or it is unreadable). */
export function readExitRecord(path: string): ExitRecord | undefined {
  try {
    const target = readlinkSync(path);
    const m = /^exit:(-?\d+):([01]):(.+)$/.exec(target);
    return m ? { exitCode: Number(m[1]), oomKilled: m[2] === '1', finishedAt: m[3] } : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ExitRecord;
  } catch {
    return undefined;
  }
}
