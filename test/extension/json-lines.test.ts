import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { forEachLine } from '../../extension/engine/json-lines.js';
import { readJsonMessages } from '../../extension/engine/json-messages.js';

test('lines split across chunks, characters split across chunks, blank lines and a last line without its newline', async () => {
  const s = new PassThrough();
  const lines: string[] = [];
  forEachLine(s, (l) => lines.push(l));
  const text = Buffer.from('{"a":"é"}\n\n  {"b":"日本"}  \n{"c":1}');
  // Cut inside "é" and inside "日".
  const cuts = [7, 8, 22, 23];
  let from = 0;
  for (const at of cuts) { s.write(text.subarray(from, at)); from = at; }
  s.end(text.subarray(from));
  await new Promise((r) => s.on('end', r));
  assert.deepEqual(lines, ['{"a":"é"}', '{"b":"日本"}', '{"c":1}']);
});

test('readJsonMessages reads the last line before it settles, and rejects with the stream\'s error object', async () => {
  const ok = new PassThrough();
  const seen: string[] = [];
  const done = readJsonMessages(ok, (m) => seen.push(m.stream ?? m.status ?? ''));
  ok.end('{"status":"one"}\n{"status":"two"}');
  await done;
  assert.deepEqual(seen, ['one', 'two']);
  const bad = new PassThrough();
  const failed = readJsonMessages(bad, () => undefined);
  bad.end('{"stream":"x"}\n{"errorDetail":{"message":"no space left"},"error":"no space left"}\n');
  await assert.rejects(failed, /no space left/);
});
