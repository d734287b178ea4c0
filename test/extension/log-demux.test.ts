import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogDemuxer, looksMultiplexed, TerminalNewlines } from '../../extension/terminals/log-demux.js';
import { logFrame } from './fake-engine.js';

test('frames split anywhere across chunks come out whole, with their stream', () => {
  const bytes = Buffer.concat([logFrame(1, 'hello\n'), logFrame(2, 'oops\n'), logFrame(1, 'bye\n')]);
  for (let cut = 1; cut < bytes.length; cut++) {
    const d = new LogDemuxer();
    const frames = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
    assert.deepEqual(frames.map((f) => [f.stream, f.data.toString()]), [[1, 'hello\n'], [2, 'oops\n'], [1, 'bye\n']], `cut at ${cut}`);
    assert.equal(d.buffered, 0);
  }
});

test('an unfinished frame waits for the rest', () => {
  const d = new LogDemuxer();
  const f = logFrame(1, 'abcdef');
  assert.deepEqual(d.push(f.subarray(0, 10)), []);
  assert.equal(d.buffered, 10);
  assert.equal(d.push(f.subarray(10))[0].data.toString(), 'abcdef');
});

test('framed or raw, from the first bytes', () => {
  assert.equal(looksMultiplexed(logFrame(1, 'x')), true);
  assert.equal(looksMultiplexed(Buffer.from('plain text output\n')), false);
});

test('bare newlines become CRLF for the terminal, also when \\r\\n is split across chunks', () => {
  const n = new TerminalNewlines();
  assert.equal(n.convert('a\nb\r'), 'a\r\nb\r');
  assert.equal(n.convert('\nc\r\n'), '\nc\r\n');
});
