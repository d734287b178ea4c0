// The --stdio writer sends every message as one write that any LSP reader can frame, and the server
// over stdio exits when its client goes away (0 after shutdown, 1 without).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { StreamMessageReader, type Message } from 'vscode-languageserver/node';
import { OneWriteMessageWriter } from '../../language-server/stdio-connection';
import { LspClient } from './lsp-client';

test('each message is one write whose Content-Length counts bytes, not characters', async () => {
  const writes: Buffer[] = [];
  const out = new Writable({ write(chunk: Buffer, _enc, done) { writes.push(Buffer.from(chunk)); done(); } });
  const writer = new OneWriteMessageWriter(out);
  const messages: Message[] = [
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'plain' } } as Message,
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'ünïcödé → 🐳' } } as Message,
  ];
  for (const m of messages) await writer.write(m);
  assert.equal(writes.length, messages.length);

  const pipe = new PassThrough();
  const reader = new StreamMessageReader(pipe);
  const read: Message[] = [];
  const all = new Promise<void>((resolve) => {
    reader.listen((m) => {
      read.push(m);
      if (read.length === messages.length) resolve();
    });
  });
  for (const w of writes) pipe.write(w);
  await all;
  reader.dispose();
  assert.deepEqual(read, messages);
});

test('a failed write rejects and is reported as a writer error', async () => {
  const out = new Writable({ write(_chunk, _enc, done) { done(new Error('EPIPE: the client is gone')); } });
  out.on('error', () => undefined);
  const writer = new OneWriteMessageWriter(out);
  const errors: Error[] = [];
  writer.onError(([e]) => errors.push(e));
  await assert.rejects(writer.write({ jsonrpc: '2.0' } as Message), /EPIPE/);
  assert.ok(errors.some((e) => /EPIPE/.test(e.message)));
});

test('over stdio the server exits 0 after shutdown and exit', async () => {
  const client = await LspClient.start();
  await client.open('file:///stdio/Dockerfile', 'FROM alpine:3.20\n');
  const code = new Promise<number | null>((resolve) => client.process.on('exit', resolve));
  await client.stop();
  assert.equal(await code, 0);
});

test('over stdio the server exits 1 when its client closes stdin without shutdown', async () => {
  const repo = path.resolve(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'language-server', 'main.ts'), '--stdio'], { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] });
  const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.stdin.end();
  assert.equal(await code, 1);
});
