// The per-container log: one JSON object per output chunk, as Docker's json-file driver writes it
// ({"log","stream","time"}), rotated by size into <path>.1 ... <path>.<maxFile-1>.
import { closeSync, fstatSync, openSync, renameSync, rmSync, writev } from 'node:fs';
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

/**
 * Appends a container's output to its log. Chunks are encoded (and time-stamped) as they arrive and
 * written by one background write at a time, gathering what arrived meanwhile into one writev: the
 * monitor's thread stays free to pass output on to attached clients, and the file sees few large
 * writes. close() resolves once everything is on file.
 */
export class LogWriter {
  private fd: number;
  private size: number;
  private queued: Buffer[] = [];
  private writing = false;
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;
  private failed: Error | undefined;

  constructor(private readonly path: string, private readonly maxSize: number, private readonly maxFile: number) {
    this.fd = openSync(path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  /**
   * Queues one chunk of output. Without a size limit a chunk is one entry (the reader splits lines,
   * so `--tail` still counts lines); with one, chunks are cut at line ends so files stay near max-size.
   */
  write(stream: 'stdout' | 'stderr', data: Buffer): void {
    if (this.closing) return;
    const time = nanoTimestamp();
    if (this.maxSize <= 0) this.queued.push(encodeEntry(stream, data, time));
    else {
      // JSON escaping roughly doubles text at worst for common output; keep pieces under half a file.
      const piece = Math.max(1, Math.floor(this.maxSize / 2) - 80);
      for (let start = 0; start < data.length;) {
        let end = Math.min(data.length, start + piece);
        if (end < data.length) {
          const nl = data.lastIndexOf(10, end - 1);
          if (nl >= start) end = nl + 1;
        }
        this.queued.push(encodeEntry(stream, data.subarray(start, end), time));
        start = end;
      }
    }
    if (!this.writing) this.flush();
  }

  /** Writes what is queued, up to the next rotation, then goes on with what came meanwhile. */
  private flush(): void {
    if (this.failed) { this.queued.length = 0; }
    if (!this.queued.length) { this.writing = false; this.drained?.(); return; }
    this.writing = true;
    const batch: Buffer[] = [];
    let bytes = 0;
    while (this.queued.length) {
      const next = this.queued[0];
      if (this.maxSize > 0 && this.size + bytes > 0 && this.size + bytes + next.length > this.maxSize) {
        if (batch.length) break;
        this.rotate();
      }
      batch.push(next);
      bytes += next.length;
      this.queued.shift();
    }
    writev(this.fd, batch, (err, written) => {
      if (err) {
        // A full disk or a removed container dir: the output still reaches attached clients; say so once.
        this.failed = err;
        process.stderr.write(`berth-monitor: cannot write the log ${this.path}: ${err.message}\n`);
      } else this.size += written;
      this.flush();
    });
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

  /** Resolves when every queued chunk is written and the file closed. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const done = (): void => { closeSync(this.fd); resolve(); };
      if (!this.writing) done();
      else this.drained = done;
    });
    return this.closing;
  }
}
