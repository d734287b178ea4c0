// The container log: entries as Docker's json-file lines (escaping from raw bytes), rotation by size,
// tail by lines, since/until.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEntry, LogWriter, parseEntries } from '../../../runtime/logs/log-file.js';
import { appendFileSync } from 'node:fs';
import { LogReader, tailLines } from '../../../runtime/logs/log-reader.js';
import { validateLogConfig } from '../../../runtime/logs/log-options.js';

test('entries are JSON lines whose "log" is exactly the bytes written (control chars, quotes, UTF-8)', () => {
  const samples = ['plain\n', 'tab\there "quoted" back\\slash\r\n', '\x1b[31mred\x1b[0m\x00\x07\n', 'ünïcødé ✓ 😀\n'];
  for (const text of samples) {
    const line = Buffer.concat(encodeEntry('stderr', Buffer.from(text), '2026-01-01T00:00:00.000000001Z'));
    assert.equal(line[line.length - 1], 0x0a);
    const e = JSON.parse(line.toString('utf8')) as { log: string; stream: string; time: string };
    assert.deepEqual(e, { log: text, stream: 'stderr', time: '2026-01-01T00:00:00.000000001Z' });
  }
  // Invalid UTF-8 still gives a valid JSON line (read back as U+FFFD, like Docker).
  const bad = Buffer.concat(encodeEntry('stdout', Buffer.from([0x61, 0xff, 0x62]), 't'));
  assert.equal((JSON.parse(bad.toString('utf8')) as { log: string }).log, 'a\ufffdb');
});

test('rotation keeps max-file files near max-size, cut at line ends; the reader sees a contiguous tail', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-log-'));
  try {
    const path = join(dir, 'container.log');
    const w = new LogWriter(path, 1024, 3);
    for (let i = 0; i < 300; i++) w.write('stdout', Buffer.from(`line ${i}\n`));
    w.write('stdout', Buffer.from(Array.from({ length: 200 }, (_, i) => `bulk ${i}\n`).join('')));
    await w.close();
    assert.deepEqual(readdirSync(dir).sort(), ['container.log', 'container.log.1', 'container.log.2']);
    for (const f of readdirSync(dir)) assert.ok(readFileSync(join(dir, f)).length <= 1024, f);
    const out: string[] = [];
    await new LogReader(path, 3).read({ stdout: true, stderr: true, timestamps: false, follow: false }, (_s, d) => out.push(d.toString()), Promise.resolve());
    const lines = out.join('').trim().split('\n');
    assert.equal(lines[lines.length - 1], 'bulk 199');
    const first = Number(/bulk (\d+)/.exec(lines[0])?.[1]);
    assert.deepEqual(lines, Array.from({ length: 200 - first }, (_, i) => `bulk ${first + i}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tail counts lines, also inside multi-line records', () => {
  const r = (text: string) => ({ data: Buffer.from(text), stream: 'stdout' as const, time: 't' });
  const texts = (rs: { data: Buffer }[]) => rs.map((x) => x.data.toString());
  assert.deepEqual(texts(tailLines([r('a\nb\n'), r('c\nd\ne\n')], 2)), ['d\ne\n']);
  assert.deepEqual(texts(tailLines([r('a\nb\n'), r('c\n')], 2)), ['b\n', 'c\n']);
  assert.deepEqual(tailLines([r('a\n')], 0), []);
  assert.deepEqual(texts(tailLines([r('a\n'), r('b\n')], 10)), ['a\n', 'b\n']);
  assert.deepEqual(texts(tailLines([r('a\npartial')], 1)), ['partial']);
});

test('bulk chunks are stored raw after their JSON line and read back byte for byte; timestamps on every line', async () => {
  const bulk = Buffer.from(Array.from({ length: 300 }, (_, i) => `line ${i} \x1b[1mbold\x1b[0m ü \xff\n`).join(''), 'latin1');
  const stored = Buffer.concat(encodeEntry('stdout', bulk, 't'));
  const head = JSON.parse(stored.subarray(0, stored.indexOf(10)).toString()) as { raw?: number; log?: string };
  assert.deepEqual(head, { raw: bulk.length, stream: 'stdout', time: 't' });
  const text = Buffer.concat(encodeEntry('stderr', Buffer.from('short\n'), 'u'));
  // Older logs hold base64 entries; they still read.
  const old = Buffer.from(`${JSON.stringify({ b64: Buffer.from('old\n').toString('base64'), stream: 'stdout', time: 'v' })}\n`);
  const parsed = parseEntries(Buffer.concat([stored, text, old]));
  assert.equal(parsed.end, stored.length + text.length + old.length);
  assert.deepEqual(parsed.records.map((r) => [r.stream, r.time, r.data.toString('latin1')]), [['stdout', 't', bulk.toString('latin1')], ['stderr', 'u', 'short\n'], ['stdout', 'v', 'old\n']]);
  const dir = mkdtempSync(join(tmpdir(), 'berth-log-'));
  try {
    const path = join(dir, 'container.log');
    const w = new LogWriter(path, 0, 1);
    w.write('stdout', Buffer.from('a\nb\n'));
    await w.close();
    const out: string[] = [];
    await new LogReader(path, 1).read({ stdout: true, stderr: true, timestamps: true, follow: false }, (_s, d) => out.push(d.toString()), Promise.resolve());
    assert.match(out.join(''), /^\S+Z a\n\S+Z b\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a half-written entry is left for later; a torn one from a killed writer is cut before appending', async (t) => {
  const first = Buffer.concat(encodeEntry('stdout', Buffer.alloc(150_000, 0x61), 't'));
  const full = Buffer.concat([first, ...encodeEntry('stdout', Buffer.from('next\n'), 't')]);
  for (const cut of [10, 100, 70_000, first.length - 1]) {
    const part = parseEntries(full.subarray(0, cut));
    assert.deepEqual(part.records, [], `cut at ${cut}`);
    assert.equal(part.end, 0);
  }
  // A monitor killed mid-entry, then a new one appending: the torn entry goes, the rest reads.
  const dir = mkdtempSync(join(tmpdir(), 'berth-log-'));
  try {
    const path = join(dir, 'container.log');
    const text = Buffer.concat(encodeEntry('stdout', Buffer.from('before\n'), 't'));
    appendFileSync(path, Buffer.concat([text, first, full.subarray(0, 3000)]));
    const said: string[] = [];
    t.mock.method(process.stderr, 'write', (m: string) => { said.push(String(m)); return true; });
    const w = new LogWriter(path, 0, 1);
    t.mock.restoreAll();
    assert.match(said.join(''), /ended in a half-written entry \(3000 bytes/);
    w.write('stderr', Buffer.from('after restart\n'));
    await w.close();
    const out: string[] = [];
    await new LogReader(path, 1).read({ stdout: true, stderr: true, timestamps: false, follow: false }, (_s, d) => out.push(d.toString()), Promise.resolve());
    assert.deepEqual(out, ['before\n', 'a'.repeat(150_000), 'after restart\n']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writes keep their order across background batches; a full disk is reported once and nothing throws', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-log-'));
  try {
    const path = join(dir, 'container.log');
    const w = new LogWriter(path, 0, 1);
    for (let i = 0; i < 2000; i++) w.write(i % 2 ? 'stderr' : 'stdout', Buffer.from(`n${i}\n`));
    await w.close();
    const out: string[] = [];
    await new LogReader(path, 1).read({ stdout: true, stderr: true, timestamps: false, follow: false }, (_s, d) => out.push(d.toString()), Promise.resolve());
    assert.equal(out.join(''), Array.from({ length: 2000 }, (_, i) => `n${i}\n`).join(''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // /dev/full answers every write with ENOSPC.
  const said: string[] = [];
  t.mock.method(process.stderr, 'write', (s: string) => { said.push(String(s)); return true; });
  const full = new LogWriter('/dev/full', 0, 1);
  for (let i = 0; i < 50; i++) full.write('stdout', Buffer.from('x\n'));
  await full.close();
  t.mock.restoreAll();
  assert.equal(said.length, 1);
  assert.match(said[0], /no space left on device for the log \/dev\/full: the container's output is dropped \(it keeps running\)/);
});

test('log options are checked like the json-file driver', () => {
  validateLogConfig({ Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
  assert.throws(() => validateLogConfig({ Type: 'syslog' }), /logging driver "syslog" is not supported/);
  assert.throws(() => validateLogConfig({ Config: { 'max-size': 'big' } }), /invalid log option max-size "big"/);
  assert.throws(() => validateLogConfig({ Config: { 'max-size': '1m', 'max-file': '0' } }), /max-file "0"/);
  assert.throws(() => validateLogConfig({ Config: { colour: 'red' } }), /unknown log opt 'colour'/);
  assert.throws(() => validateLogConfig({ Config: { 'max-file': '3' } }), /max-file cannot be set without max-size/);
});
