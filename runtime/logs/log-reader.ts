// Reads a container's json-file log (with rotated parts) for `docker logs`: tail, since, until,
// timestamps, follow. Follow watches the log with fs.watch (no polling) until `stopped` resolves.
import { watch, type FSWatcher } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parseEntries, type LogRecord } from './log-file.js';

export interface LogQuery {
  stdout: boolean; stderr: boolean; timestamps: boolean; follow: boolean;
  tail?: number; // undefined: all
  sinceNano?: bigint; untilNano?: bigint;
}

export type LogSink = (stream: 'stdout' | 'stderr', data: Buffer) => void;

export function timeNano(iso: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(iso);
  if (!m) return 0n;
  const secs = BigInt(Math.floor(Date.parse(`${m[1]}Z`) / 1000));
  return secs * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9) || '0');
}

/** `data` cut after each newline (the last piece may lack one). */
export function splitLines(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) { out.push(data.subarray(start, nl + 1)); start = nl + 1; }
  if (start < data.length) out.push(data.subarray(start));
  return out;
}

/** The last `n` lines of the log: a record may hold several lines (one chunk of output). */
export function tailLines(records: LogRecord[], n: number): LogRecord[] {
  const out: LogRecord[] = [];
  let left = n;
  for (let i = records.length - 1; i >= 0 && left > 0; i--) {
    const r = records[i];
    const lines = splitLines(r.data);
    if (lines.length <= left) { out.push(r); left -= lines.length; continue; }
    out.push({ ...r, data: Buffer.concat(lines.slice(lines.length - left)) });
    left = 0;
  }
  return out.reverse();
}

export class LogReader {
  constructor(private readonly path: string, private readonly maxFile: number) {}

  private emit(e: LogRecord, q: LogQuery, sink: LogSink): boolean {
    if (e.stream === 'stdout' ? !q.stdout : !q.stderr) return true;
    const t = timeNano(e.time);
    if (q.sinceNano !== undefined && t < q.sinceNano) return true;
    if (q.untilNano !== undefined && t > q.untilNano) return false;
    if (!q.timestamps) { sink(e.stream, e.data); return true; }
    // Every line gets the time stamp, as with Docker (a record may hold several lines).
    const stamp = Buffer.from(`${e.time} `);
    sink(e.stream, Buffer.concat(splitLines(e.data).flatMap((l) => [stamp, l])));
    return true;
  }

  /** Writes the backlog, then (with follow) new entries until `stopped` resolves. */
  async read(q: LogQuery, sink: LogSink, stopped: Promise<void>): Promise<void> {
    let entries: LogRecord[] = [];
    for (let i = this.maxFile - 1; i >= 1; i--) {
      const rotated = await readFile(`${this.path}.${i}`).catch(() => undefined);
      if (rotated) entries = entries.concat(parseEntries(rotated).records);
    }
    let offset = 0;
    try {
      const parsed = parseEntries(await readFile(this.path));
      offset = parsed.end;
      entries = entries.concat(parsed.records);
    } catch { /* no output yet */ }
    if (q.tail !== undefined && q.tail >= 0) entries = tailLines(entries, q.tail);
    for (const e of entries) if (!this.emit(e, q, sink)) return;
    if (!q.follow) return;
    await this.follow(q, sink, stopped, offset);
  }

  private async follow(q: LogQuery, sink: LogSink, stopped: Promise<void>, start: number): Promise<void> {
    let offset = start;
    let busy = false;
    let again = false;
    let done = false;
    const pump = async (): Promise<void> => {
      if (busy) { again = true; return; }
      busy = true;
      do {
        again = false;
        const size = await stat(this.path).then((s) => s.size, () => 0);
        if (size < offset) offset = 0; // rotated: the new file starts empty
        if (size > offset) {
          const fh = await open(this.path, 'r');
          try {
            const buf = Buffer.alloc(size - offset);
            await fh.read(buf, 0, buf.length, offset);
            const parsed = parseEntries(buf);
            offset += parsed.end;
            for (const e of parsed.records) if (!this.emit(e, q, sink)) done = true;
          } finally { await fh.close(); }
        }
      } while (again && !done);
      busy = false;
    };
    let watcher: FSWatcher | undefined;
    await new Promise<void>((resolve) => {
      const name = basename(this.path);
      watcher = watch(dirname(this.path), (_ev, file) => { if (file === name) void pump().then(() => { if (done) resolve(); }); });
      void pump();
      void stopped.then(async () => { await pump(); resolve(); });
    });
    watcher?.close();
  }
}

/** Docker's multiplexed stream frame: [stream, 0, 0, 0, size u32 BE] + payload. */
export function muxFrame(stream: 0 | 1 | 2, data: Buffer): Buffer {
  return Buffer.concat([muxHeader(stream, data.length), data]);
}

export function muxHeader(stream: 0 | 1 | 2, length: number): Buffer {
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(length, 4);
  return head;
}
