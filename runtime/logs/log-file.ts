// The per-container log: one JSON object per output chunk, as Docker's json-file driver writes it
// ({"log","stream","time"}), rotated by size into <path>.1 ... <path>.<maxFile-1>.
import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { jsonStringLatin1 } from './json-escape.js';

/** A log line as stored: text in "log" (Docker's json-file shape), or base64 in "b64" for bulk chunks. */
export interface LogEntry { log?: string; b64?: string; stream: 'stdout' | 'stderr'; time: string }

/** A log line decoded. */
export interface LogRecord { stream: 'stdout' | 'stderr'; time: string; data: Buffer }

/**
 * From this size on a chunk is stored base64-encoded: JSON-escaping bulk output costs ~6x more CPU
 * than base64 and was the monitor's largest cost at hundreds of MB/s. Interactive output (short
 * chunks) stays readable text, as Docker writes it.
 */
export const BULK_CHUNK = 4096;

export function decodeEntry(e: LogEntry): LogRecord {
  return { stream: e.stream, time: e.time, data: e.b64 !== undefined ? Buffer.from(e.b64, 'base64') : Buffer.from(e.log ?? '') };
}

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

/** One log line: {"log":"<escaped bytes>" or "b64":"<base64>","stream":"stdout","time":"..."}\n */
export function encodeEntry(stream: 'stdout' | 'stderr', data: Buffer, time: string): Buffer {
  if (data.length >= BULK_CHUNK) return Buffer.from(`{"b64":"${data.toString('base64')}","stream":"${stream}","time":"${time}"}\n`, 'latin1');
  return Buffer.from(`{"log":${jsonStringLatin1(data)},"stream":"${stream}","time":"${time}"}\n`, 'latin1');
}

export class LogWriter {
  private fd: number;
  private size: number;

  constructor(private readonly path: string, private readonly maxSize: number, private readonly maxFile: number) {
    this.fd = openSync(path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  /**
   * Appends one chunk of output. Without a size limit a chunk is one entry (the reader splits lines,
   * so `--tail` still counts lines); with one, chunks are cut at line ends so files stay near max-size.
   */
  write(stream: 'stdout' | 'stderr', data: Buffer): void {
    const time = nanoTimestamp();
    if (this.maxSize <= 0) { this.append(encodeEntry(stream, data, time)); return; }
    // JSON escaping roughly doubles text at worst for common output; keep pieces under half a file.
    const piece = Math.max(1, Math.floor(this.maxSize / 2) - 80);
    for (let start = 0; start < data.length;) {
      let end = Math.min(data.length, start + piece);
      if (end < data.length) {
        const nl = data.lastIndexOf(10, end - 1);
        if (nl >= start) end = nl + 1;
      }
      const bytes = encodeEntry(stream, data.subarray(start, end), time);
      if (this.size > 0 && this.size + bytes.length > this.maxSize) this.rotate();
      this.append(bytes);
      start = end;
    }
  }

  private append(bytes: Buffer): void {
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
