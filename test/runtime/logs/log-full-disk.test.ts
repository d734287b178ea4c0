// The container log on a full disk (needs root for a 1 MiB tmpfs): output is dropped without tearing
// an entry, and once space returns a marker line says how much was lost; a close after the disk
// filled still writes what it can.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogWriter, parseEntries } from '../../../runtime/logs/log-file.js';
import { isRoot, requireOrSkip } from '../../helpers/prereqs.js';

test('a full disk drops log output, keeps entries whole, and writes a marker once space returns', async (t) => {
  if (!requireOrSkip(t, isRoot, 'root (mounts a tmpfs)')) return;
  const dir = mkdtempSync(join(tmpdir(), 'berth-logfull-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(300 << 10));
    const w = new LogWriter(join(dir, 'c.log'), 0, 1);
    const chunk = Buffer.alloc(64 << 10, 'x');
    for (let i = 0; i < 40; i++) {
      w.write('stdout', chunk);
      await new Promise((r) => setImmediate(r));
    }
    rmSync(join(dir, 'filler'));
    w.write('stdout', Buffer.from('last\n'));
    await w.close();
    const { records, end } = parseEntries(readFileSync(join(dir, 'c.log')));
    assert.equal(end, readFileSync(join(dir, 'c.log')).length, 'no torn entry at the end');
    assert.ok(records.length > 0 && records.length < 40, `some output kept, some dropped (${records.length} entries)`);
    const marker = records.find((r) => r.stream === 'stderr');
    assert.ok(marker, `no marker among ${records.map((r) => `${r.stream}:${r.data.length}`).join(',')}`);
    assert.match(marker?.data.toString() ?? '', /^\[berth\] \d+ log entries of this container were dropped from \S+ to now: no space left on device for its log\n$/);
    // 'last' came within the retry interval of a failed write: dropped and counted, or written after the marker.
    assert.ok(records.at(-1) === marker || records.at(-1)?.data.toString() === 'last\n');
  } finally {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});
