// kill -9 of the daemon during a pull, then a restart on the same root: the image is complete or
// absent, nothing half-stored is left (no temp files, no orphan layers or blobs). The registry is the
// in-test fake one, so a layer can be made to stall and the kill lands mid-pull every time.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, watch } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { FakeRegistry } from '../registry/helpers/fake-registry.js';
import { publish, tempStore } from '../registry/helpers/fixtures.js';
import { writeImage, writeLayer, type BuiltImage } from '../registry/helpers/image-builder.js';

const LAYER_FILE_BYTES = 2 * 1024 * 1024;
let fake: FakeRegistry;
let image: BuiltImage;
let cleanupStore: () => Promise<void>;

before(async () => {
  const { store, cleanup } = await tempStore('berth-pull-crash-');
  cleanupStore = cleanup;
  const layers = [];
  for (let i = 0; i < 3; i++) {
    // Not compressible, so each layer really is a few MB on the wire and on disk.
    const data = Buffer.alloc(LAYER_FILE_BYTES);
    for (let j = 0; j < data.length; j += 4) data.writeUInt32LE((Math.imul(j + 1, 2654435761) ^ (i * 40503)) >>> 0, j);
    layers.push(await writeLayer(store, [{ name: `layer${i}/data.bin`, data }, { name: `layer${i}/name`, data: Buffer.from(`layer ${i}\n`) }]));
  }
  image = await writeImage(store, layers);
  fake = await new FakeRegistry().start();
  await publish(fake, store, 'crash/app', 'v1', image);
});
after(async () => {
  await fake.stop();
  await cleanupStore();
});

const ref = (): string => `${fake.host}/crash/app:v1`;

/** Starts a pull over the raw API and calls `onMessage` for each JSON message; never rejects. */
function startPull(d: TestDaemon, onMessage: (m: { status?: string; error?: string }) => void): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ socketPath: d.socket, method: 'POST', path: `/v1.41/images/create?fromImage=${encodeURIComponent(`${fake.host}/crash/app`)}&tag=v1` }, (res: IncomingMessage) => {
      let buffered = '';
      res.on('data', (c: Buffer) => {
        buffered += c.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) onMessage(JSON.parse(line) as { status?: string });
        }
      });
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
}

/** Resolves when `check()` holds, re-checking whenever one of `dirs` changes (bounded by `timeoutMs`). */
function waitUntil(dirs: string[], check: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  return new Promise((resolve, reject) => {
    const watchers = dirs.map((dir) => watch(dir, () => test()));
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), timeoutMs);
    function done(err?: Error): void {
      clearTimeout(timer);
      watchers.forEach((w) => w.close());
      if (err) reject(err);
      else resolve();
    }
    function test(): void {
      let ok = false;
      try {
        ok = check();
      } catch {
        ok = false;
      }
      if (ok) done();
    }
    test();
  });
}

const entries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

async function killAndRestart(first: TestDaemon): Promise<TestDaemon> {
  first.process.kill('SIGKILL');
  await first.stop();
  return startDaemon({ root: first.root });
}

/** The store after a restart: the image complete (every layer unpacked, every blob readable) or entirely absent. */
async function assertCompleteOrAbsent(d: TestDaemon): Promise<'complete' | 'absent'> {
  assert.deepEqual(entries(join(d.root, 'tmp')), [], 'temp files cleaned up');
  const images = await d.client.listImages();
  if (images.length === 0) {
    assert.deepEqual(entries(join(d.root, 'layers')), [], 'no orphan layers');
    assert.deepEqual(entries(join(d.root, 'content', 'sha256')), [], 'no orphan blobs');
    assert.deepEqual(entries(join(d.root, 'images')), [], 'no image record');
    return 'absent';
  }
  const info = await d.client.getImage(ref()).inspect();
  assert.equal(info.Id, image.configDigest);
  const lowerDirs = String((info.GraphDriver as { Data: { LowerDir?: string } }).Data.LowerDir ?? '').split(':').filter(Boolean);
  assert.equal(lowerDirs.length, 3);
  for (const dir of lowerDirs) {
    const layer = readdirSync(dir).find((n) => n.startsWith('layer'));
    assert.ok(layer, `unpacked layer in ${dir}`);
    assert.equal(statSync(join(dir, layer, 'data.bin')).size, LAYER_FILE_BYTES);
  }
  // Every blob is there and intact: a save reads them all.
  let saved = 0;
  for await (const c of await d.client.getImage(ref()).get()) saved += (c as Buffer).length;
  assert.ok(saved > 3 * LAYER_FILE_BYTES);
  return 'complete';
}

test('kill -9 while a layer download stalls mid-pull: after restart the image is absent and nothing is left', async () => {
  fake.faults.set(image.layers[1].digest, 'stall');
  const first = await startDaemon();
  try {
    void startPull(first, () => undefined);
    const root = first.root;
    // The bottom layer is committed, the top one unpacked and waiting for the stalled middle one.
    await waitUntil([join(root, 'tmp'), join(root, 'layers')], () => {
      const layersDone = entries(join(root, 'layers')).length === 1;
      const waiting = entries(join(root, 'tmp')).filter((n) => n.startsWith('layer-')).length === 2;
      return layersDone && waiting;
    }, 'one committed layer and two in progress');
    const second = await killAndRestart(first);
    try {
      assert.equal(await assertCompleteOrAbsent(second), 'absent');
      // And the store is usable: the same pull now succeeds.
      fake.faults.delete(image.layers[1].digest);
      const r = await second.docker(['pull', ref()]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await assertCompleteOrAbsent(second), 'complete');
    } finally {
      await second.stop();
    }
  } finally {
    fake.faults.delete(image.layers[1].digest);
    await first.stop();
    await first.cleanup();
  }
});

for (const killAt of ['Download complete', 'Pull complete', 'Digest:']) {
  test(`kill -9 at the first "${killAt}" message: after restart the image is complete or absent`, async () => {
    const first = await startDaemon();
    try {
      let killed = false;
      const second = await new Promise<TestDaemon>((resolve, reject) => {
        void startPull(first, (m) => {
          if (killed || !m.status?.startsWith(killAt)) return;
          killed = true;
          killAndRestart(first).then(resolve, reject);
        }).then(() => {
          if (!killed) reject(new Error(`the pull ended without a "${killAt}" message`));
        });
      });
      try {
        const state = await assertCompleteOrAbsent(second);
        assert.ok(state === 'complete' || state === 'absent');
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
      await first.cleanup();
    }
  });
}
