// The per-container log: one JSON object per output chunk, as Docker's json-file driver writes it
// ({"log","stream","time"}), rotated by size into <path>.1 ... <path>.<maxFile-1>.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, renameSync, rmSync, writev } from 'node:fs';
import { jsonStringLatin1 } from './json-escape.js';

/**
 * A log entry's JSON line. Text output has it all in "log" (Docker's json-file shape); a bulk chunk
 * has "raw": its length, and its bytes follow the line as they are, then a newline. Copying bulk
 * output verbatim was the monitor's largest saving at hundreds of MB/s (escaping costs ~6x, base64
 * a third more bytes and two copies). Logs written before that may hold "b64" entries.
 */
export interface LogEntry { log?: string; raw?: number; b64?: string; stream: 'stdout' | 'stderr'; time: string }

/** A log line decoded. */
export interface LogRecord { stream: 'stdout' | 'stderr'; time: string; data: Buffer }

/** From this size on a chunk is stored raw; interactive output (short chunks) stays readable text, as Docker writes it. */
export const BULK_CHUNK = 4096;

const NEWLINE = Buffer.from('\n');
/** While the disk is full, how often a log write is tried again. */
const RETRY_FULL_MS = 1000;

/**
 * The complete entries in `buf` (a log file or the part of it after `offset`), and where the first
 * incomplete one starts (a writer may be mid-entry). A line that is not an entry is skipped, as is
 * a raw header whose bytes do not end with a newline (a torn entry from a killed monitor).
 */
export function parseEntries(buf: Buffer): { records: LogRecord[]; end: number } {
  const records: LogRecord[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    let e: LogEntry | undefined;
    try { e = JSON.parse(buf.toString('utf8', pos, nl)) as LogEntry; } catch { /* not an entry */ }
    if (e && typeof e.raw === 'number') {
      const dataEnd = nl + 1 + e.raw;
      if (dataEnd >= buf.length) break; // not all here yet
      if (buf[dataEnd] === 10) {
        records.push({ stream: e.stream, time: e.time, data: buf.subarray(nl + 1, dataEnd) });
        pos = dataEnd + 1;
        continue;
      }
    } else if (e && (e.log !== undefined || e.b64 !== undefined)) {
      records.push({ stream: e.stream, time: e.time, data: e.b64 !== undefined ? Buffer.from(e.b64, 'base64') : Buffer.from(e.log ?? '') });
    }
    pos = nl + 1;
  }
  return { records, end: pos };
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

const RAW_HEADER = Buffer.from('{"raw":');

/**
 * The length of the whole entries at the start of an open log: each line is an entry (only
 * checked for its newline), a raw header's bytes are skipped by their length. Reads in blocks, so
 * a large log costs a scan, not its size in memory.
 */
export function completeLength(fd: number, size: number): number {
  const block = Buffer.alloc(1 << 16);
  const one = Buffer.alloc(1);
  let pos = 0;
  while (pos < size) {
    const view = block.subarray(0, readSync(fd, block, 0, block.length, pos));
    let at = 0;
    while (at < view.length) {
      const nl = view.indexOf(10, at);
      if (nl < 0) break;
      const line = view.subarray(at, nl);
      const raw = line.subarray(0, RAW_HEADER.length).equals(RAW_HEADER) ? Number(/^\{"raw":(\d+),/.exec(line.toString('latin1'))?.[1]) : NaN;
      if (Number.isNaN(raw)) { at = nl + 1; continue; }
      const dataEnd = pos + nl + 1 + raw;
      if (dataEnd >= size || readSync(fd, one, 0, 1, dataEnd) !== 1 || one[0] !== 10) return pos + at;
      at = dataEnd + 1 - pos;
      break;
    }
    if (at === 0) return pos; // no newline in a whole block: not an entry
    pos += at;
  }
  return Math.min(pos, size);
}

/** One entry as the buffers to write: a JSON line, and for a bulk chunk its raw bytes and a newline. */
export function encodeEntry(stream: 'stdout' | 'stderr', data: Buffer, time: string): Buffer[] {
  if (data.length >= BULK_CHUNK) return [Buffer.from(`{"raw":${data.length},"stream":"${stream}","time":"${time}"}\n`, 'latin1'), data, NEWLINE];
  return [Buffer.from(`{"log":${jsonStringLatin1(data)},"stream":"${stream}","time":"${time}"}\n`, 'latin1')];
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
  /** Entries waiting to be written, each as its buffers. */
  private queued: { parts: Buffer[]; bytes: number }[] = [];
  private writing = false;
  private closing: Promise<void> | undefined;
  private closeAsked = false;
  private drained: (() => void) | undefined;
  private failed: Error | undefined;
  /** Set while output is dropped for a full disk: how much, since when, the last write attempt. */
  private dropped: { entries: number; since: string; lastTry: number; final?: boolean } | undefined;

  constructor(private readonly path: string, private readonly maxSize: number, private readonly maxFile: number) {
    this.fd = openSync(path, 'a+', 0o640);
    this.size = fstatSync(this.fd).size;
    // A monitor killed mid-write (or a full disk) leaves a torn entry; appending after it would hide
    // what comes next from the reader, so the log is cut back to its last whole entry first.
    const whole = this.size > 0 ? completeLength(this.fd, this.size) : 0;
    if (whole < this.size) {
      ftruncateSync(this.fd, whole);
      process.stderr.write(`berth-monitor: ${path} ended in a half-written entry (${this.size - whole} bytes, from a monitor that was killed or a full disk); removed it\n`);
      this.size = whole;
    }
  }

  /**
   * Queues one chunk of output. Without a size limit a chunk is one entry (the reader splits lines,
   * so `--tail` still counts lines); with one, chunks are cut at line ends so files stay near max-size.
   */
  write(stream: 'stdout' | 'stderr', data: Buffer): void {
    if (this.closing) return;
    const time = nanoTimestamp();
    if (this.maxSize <= 0) this.enqueue(encodeEntry(stream, data, time));
    else {
      // JSON escaping roughly doubles short text at worst; keep pieces under half a file.
      const piece = Math.max(1, Math.floor(this.maxSize / 2) - 80);
      for (let start = 0; start < data.length;) {
        let end = Math.min(data.length, start + piece);
        if (end < data.length) {
          const nl = data.lastIndexOf(10, end - 1);
          if (nl >= start) end = nl + 1;
        }
        this.enqueue(encodeEntry(stream, data.subarray(start, end), time));
        start = end;
      }
    }
    if (!this.writing) this.flush();
  }

  private enqueue(parts: Buffer[]): void {
    let bytes = 0;
    for (const p of parts) bytes += p.length;
    this.queued.push({ parts, bytes });
  }

  /** Writes what is queued, up to the next rotation, then goes on with what came meanwhile. */
  private flush(): void {
    if (this.failed) { this.queued.length = 0; }
    // At the close, output dropped for a full disk gets its marker line if the disk has room again.
    const lastTry = Boolean(this.closeAsked && this.dropped && !this.dropped.final);
    if (!this.queued.length && !lastTry) { this.writing = false; this.drained?.(); return; }
    this.writing = true;
    const batch: Buffer[] = [];
    let bytes = 0;
    let entries = 0;
    while (this.queued.length) {
      const next = this.queued[0];
      if (this.maxSize > 0 && this.size + bytes > 0 && this.size + bytes + next.bytes > this.maxSize) {
        if (batch.length) break;
        this.rotate();
      }
      batch.push(...next.parts);
      bytes += next.bytes;
      entries++;
      this.queued.shift();
    }
    if (this.dropped) {
      // While the disk is full, output is dropped; a write is tried again at most once a second.
      if (!this.closeAsked && Date.now() - this.dropped.lastTry < RETRY_FULL_MS) { this.dropped.entries += entries; this.flush(); return; }
      if (this.closeAsked) this.dropped.final = true;
      this.dropped.lastTry = Date.now();
      const marker = encodeEntry('stderr', Buffer.from(`[berth] ${this.dropped.entries} log entries of this container were dropped from ${this.dropped.since} to now: no space left on device for its log\n`), nanoTimestamp());
      batch.unshift(...marker);
      for (const m of marker) bytes += m.length;
    }
    writev(this.fd, batch, (err, written) => {
      if (!err && written === bytes) {
        this.size += written;
        if (this.dropped) {
          process.stderr.write(`berth-monitor: ${this.path} is written again (${this.dropped.entries} entries were dropped while the disk was full)\n`);
          this.dropped = undefined;
        }
      } else if (!err || err.code === 'ENOSPC' || err.code === 'EDQUOT') {
        // A full disk: cut any torn entry off, drop this output, keep the container running.
        try { ftruncateSync(this.fd, this.size); } catch { /* the next write tries again */ }
        if (!this.dropped) {
          this.dropped = { entries: 0, since: nanoTimestamp(), lastTry: Date.now() };
          process.stderr.write(`berth-monitor: no space left on device for the log ${this.path}: the container's output is dropped (it keeps running) until space is freed\n`);
        }
        this.dropped.entries += entries;
      } else {
        // A removed container dir or the like: the output still reaches attached clients; say so once.
        this.failed = err;
        process.stderr.write(`berth-monitor: cannot write the log ${this.path}: ${err.message}\n`);
      }
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
    // Set before the promise exists: flush() (called from its executor) must already see the close.
    this.closeAsked = true;
    this.closing ??= new Promise<void>((resolve) => {
      const done = (): void => { closeSync(this.fd); resolve(); };
      if (!this.writing && !this.dropped) done();
      else {
        this.drained = done;
        if (!this.writing) this.flush();
      }
    });
    return this.closing;
  }
}
