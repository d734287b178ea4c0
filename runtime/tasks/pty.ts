// TTY containers and execs run under script(1), which gives runc a pty as stdio; runc passes that
// pty on as the process's terminal. Resizing the process's terminal means resizing that pty.
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

/** Sets rows/cols of the pty that `pid` (script's child or runc) has as stdin. */
export function resizePty(pid: number, h: number, w: number): void {
  for (const candidate of [pid, ...childrenOf(pid)]) {
    try {
      const pts = readlinkSync(`/proc/${candidate}/fd/0`);
      if (pts.startsWith('/dev/pts/')) {
        spawnSync('stty', ['-F', pts, 'rows', String(h), 'cols', String(w)]);
        return;
      }
    } catch { /* gone, or not ours to read */ }
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * argv for running `argv` under script(1) with a pty. script's pty must not echo or translate (the
 * pty runc makes inside does that), and starts at the client's size when known.
 */
export function underPty(argv: string[], size?: [number, number]): string[] {
  const [h, w] = size ?? [0, 0];
  const stty = `stty raw -echo${h && w ? ` rows ${h} cols ${w}` : ''} 2>/dev/null; `;
  return ['script', '-qefc', `${stty}exec ${argv.map(shellQuote).join(' ')}`, '/dev/null'];
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
