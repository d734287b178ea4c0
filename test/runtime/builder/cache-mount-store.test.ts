// The cache-mount store: kept across acquisitions, sharing modes, --no-cache, prune, leftovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheMountStore, cacheMountRecords, type CacheAcquire } from '../../../runtime/builder/mounts/cache-mount-store.js';

function req(over: Partial<CacheAcquire> = {}): CacheAcquire {
  return { id: '/cache', key: '/cache', sharing: 'shared', fresh: false, description: 'cached mount /cache from exec sh', init: async () => undefined, ...over };
}

function withStore(fn: (store: CacheMountStore, root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-cm-'));
    try {
      await fn(new CacheMountStore(root), root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

test('a cache keeps its files for the next step; fresh (--no-cache) starts it empty', withStore(async (store) => {
  const a = await store.acquire(req());
  writeFileSync(join(a.data, 'f'), 'x');
  await a.release();
  const b = await store.acquire(req());
  assert.equal(readFileSync(join(b.data, 'f'), 'utf8'), 'x');
  await b.release();
  const c = await store.acquire(req({ fresh: true }));
  assert.deepEqual(readdirSync(c.data), []);
  await c.release();
}));

test('init fills a new cache once; a failing init leaves nothing', withStore(async (store) => {
  await assert.rejects(store.acquire(req({ init: async () => { throw new Error('seed failed'); } })), /seed failed/);
  assert.deepEqual(readdirSync(store.dir).filter((n) => !n.startsWith('.')), []);
  let inits = 0;
  const init = async (d: string): Promise<void> => { inits++; writeFileSync(join(d, 'seed'), 's'); };
  await (await store.acquire(req({ init }))).release();
  await (await store.acquire(req({ init }))).release();
  assert.equal(inits, 1);
}));

test('private takes another instance while one is in use; locked waits for the release', withStore(async (store) => {
  const first = await store.acquire(req({ sharing: 'private' }));
  const second = await store.acquire(req({ sharing: 'private' }));
  assert.notEqual(first.data, second.data);
  await second.release();
  let got = false;
  const waiting = store.acquire(req({ sharing: 'locked' })).then((l) => { got = true; return l; });
  await new Promise((r) => setImmediate(r));
  assert.equal(got, false);
  await first.release();
  const third = await waiting;
  assert.equal(third.data, first.data);
  await third.release();
}));

test('records for system df; prune removes what is not in use; leftovers of a killed daemon go', withStore(async (store, root) => {
  const kept = await store.acquire(req({ id: 'a', key: 'a' }));
  writeFileSync(join(kept.data, 'f'), Buffer.alloc(1000));
  await kept.release();
  const busy = await store.acquire(req({ id: 'b', key: 'b' }));
  const records = await cacheMountRecords(root);
  assert.equal(records.length, 2);
  assert.ok(records.every((r) => r.Type === 'exec.cachemount'));
  assert.equal(records.find((r) => r.InUse === false)?.Size, 1000);
  const pruned = await store.prune();
  assert.equal(pruned.ids.length, 1);
  assert.equal(pruned.reclaimed, 1000);
  assert.equal((await store.list()).length, 1);
  await busy.release();
  mkdirSync(join(store.dir, '.new-dead'));
  await store.removeLeftovers();
  assert.equal(existsSync(join(store.dir, '.new-dead')), false);
}));
