// The per-container log: one JSON object per output chunk, as Docker's json-file driver writes it
// ({"log","stream","time"}), rotated by size into <path>.1 ... <path>.<maxFile-1>.
import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export interface LogEntry { log: string; stream: 'stdout' | 'stderr'; time: string }

/** RFC3339 with nanoseconds, as Docker prints it. */
export function nanoTimestamp(ms = Date.now(), hr = process.hrtime.bigint()): string {
  const iso = new Date(ms).toISOString(); // 2024-01-01T00:00:00.123Z
  const nanos = String(Number(hr % 1_000_000n)).padStart(6, '0');
  return `${iso.slice(0, 23)}${nanos}Z`;
}

export function parseSize(value: string | undefined, fallback: number): number {
  if (!value) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(value.trim());
  if (!m) throw new Error(`invalid log size "${value}"`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * mult);
}

export class LogWriter {
  private fd: number;
  private size: number;

  constructor(private readonly path: string, private readonly maxSize: number, private readonly maxFile: number) {
    this.fd = openSync(path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  write(stream: 'stdout' | 'stderr', data: Buffer): void {
    const line = `{"log":${JSON.stringify(data.toString('utf8'))},"stream":"${stream}","time":"${nanoTimestamp()}"}\n`;
    const bytes = Buffer.from(line);
    if (this.maxSize > 0 && this.size > 0 && this.size + bytes.length > this.maxSize) this.rotate();
    writeSync(this.fd, bytes);
    this.size += bytes.length;
  }

  private rotate(): void {
    closeSync(this.fd);
    if (this.maxFile <= 1) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(`${this.path}.${this.maxFile - 1}`, { force: true });
      for (let i = this.maxFile - 2; i >= 1; i--) {
        try { renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`); } catch { /* not there yet */ }
      }
      renameSync(this.path, `${this.path}.1`);
    }
    this.fd = openSync(this.path, 'a', 0o640);
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
