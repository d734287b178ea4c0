// The `progress` string of Docker's JSON message stream, as dockerd renders it without a terminal
// width: a 50-column bar, then `current/total` in decimal units with 4 significant digits.
// The docker CLI prints this string verbatim, so matching it makes Berth's pulls look like Docker's.
import type { ProgressMessage } from './transfer-types.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** `1.049MB`, `32.3kB`, `512B` */
export function humanSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${fourSignificant(size)}${UNITS[unit]}`;
}

function fourSignificant(n: number): string {
  const s = n.toPrecision(4);
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}

export function progressBar(current: number, total: number): string {
  if (total <= 0) return current > 0 ? humanSize(current).padStart(8) : '';
  const filled = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = `[${'='.repeat(filled)}>${' '.repeat(50 - filled)}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

export function progressMessage(status: string, id: string, current: number, total: number): ProgressMessage {
  return { status, progressDetail: { current, total }, progress: progressBar(current, total), id };
}

export function statusMessage(status: string, id: string): ProgressMessage {
  return { status, progressDetail: {}, id };
}

/** Lets through at most one progress update per `intervalMs` (dockerd's pace), plus the last one. */
export function throttle(intervalMs: number, emit: (current: number) => void): (current: number, final?: boolean) => void {
  let last = 0;
  return (current, final = false) => {
    const now = Date.now();
    if (!final && now - last < intervalMs) return;
    last = now;
    emit(current);
  };
}
