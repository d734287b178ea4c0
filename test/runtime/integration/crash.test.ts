// kill -9 of the daemon during a load, then a restart on the same root: the image is complete or
// absent, and temp files are gone.
import assert from 'node:assert/strict';
import { readdirSync, watch } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';

async function saved(d: TestDaemon, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await d.client.getImage(name).get()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Resolves when `dir` has an entry starting with `prefix` (bounded by `timeoutMs`). */
function waitForEntry(dir: string, prefix: string, timeoutMs = 10000): Promise<void> {
  return new Promise((resolve, reject) => {
    const has = (): boolean => readdirSync(dir).some((n) => n.startsWith(prefix));
    if (has()) return resolve();
    const w = watch(dir, () => {
      if (has()) { clearTimeout(timer); w.close(); resolve(); }
    });
    const timer = setTimeout(() => { w.close(); reject(new Error(`no ${prefix}* in ${dir} within ${timeoutMs} ms`)); }, timeoutMs);
  });
}

async function assertCompleteOrAbsent(d: TestDaemon, name: string): Promise<'complete' | 'absent'> {
  assert.deepEqual(readdirSync(join(d.root, 'tmp')), [], 'temp files cleaned up');
  const inspect = await d.docker(['image', 'inspect', name]);
  if (inspect.code !== 0) {
    assert.match(inspect.stderr, /No such image/);
    assert.equal((await d.client.listImages()).length, 0);
    assert.equal(readdirSync(join(d.root, 'layers')).length, 0, 'no orphan layers');
    return 'absent';
  }
  // Complete means every blob is there: a save reads them all.
  const tar = await saved(d, name);
  assert.ok(tar.length > 1_000_000);
  return 'complete';
}

test('kill -9 in the middle of a load upload: the image is absent after restart', async () => {
  const first = await startDaemon();
  await importBusybox(first, 'crash:1');
  const archive = await saved(first, 'crash:1');
  await first.docker(['rmi', 'crash:1']);
  const req = request({ socketPath: first.socket, method: 'POST', path: '/v1.41/images/load?quiet=1', headers: { 'Content-Type': 'application/x-tar', 'Content-Length': archive.length } });
  req.on('error', () => undefined);
  req.write(archive.subarray(0, Math.floor(archive.length / 2)));
  await waitForEntry(join(first.root, 'tmp'), 'load-');
  first.process.kill('SIGKILL');
  await first.stop();
  req.destroy();
  const second = await startDaemon({ root: first.root });
  try {
    assert.equal(await assertCompleteOrAbsent(second, 'crash:1'), 'absent');
  } finally {
    await second.stop();
    await first.cleanup();
  }
});

test('kill -9 right after the whole archive was sent: complete or absent after restart', async () => {
  const first = await startDaemon();
  await importBusybox(first, 'crash:2');
  const archive = await saved(first, 'crash:2');
  await first.docker(['rmi', 'crash:2']);
  const req = request({ socketPath: first.socket, method: 'POST', path: '/v1.41/images/load?quiet=1', headers: { 'Content-Type': 'application/x-tar' } });
  req.on('error', () => undefined);
  req.end(archive);
  await waitForEntry(join(first.root, 'tmp'), 'load-');
  first.process.kill('SIGKILL');
  await first.stop();
  const second = await startDaemon({ root: first.root });
  try {
    const state = await assertCompleteOrAbsent(second, 'crash:2');
    assert.ok(state === 'complete' || state === 'absent');
  } finally {
    await second.stop();
    await first.cleanup();
  }
});
