// The network namespace made ahead for the next container: nothing is taken before one is ready, its
// address is held from the moment it is reserved, one is made at a time, an address a container asks
// for is given up, close deletes what is left, and a host where making fails stops trying.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NamespacePool, type NamespaceMaker, type ReadyNamespace } from '../../../runtime/network/namespace-pool.js';

function maker(opts: { fail?: boolean } = {}): NamespaceMaker & { built: string[]; discarded: string[]; finish: () => void } {
  let n = 0;
  let release: () => void = () => undefined;
  const m = {
    built: [] as string[], discarded: [] as string[],
    finish: () => { const r = release; release = () => undefined; r(); },
    reserve: (): ReadyNamespace => { n++; return { ns: `ns${n}`, veth: `v${n}`, ip: `10.0.0.${n + 1}`, mac: '02:42:00:00:00:00' }; },
    build: (r: ReadyNamespace) => new Promise<void>((resolve, reject) => { release = () => { m.built.push(r.ns); if (opts.fail) reject(new Error('no')); else resolve(); }; }),
    discard: async (r: ReadyNamespace) => { m.discarded.push(r.ns); },
  };
  return m;
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('one is made at a time; its address is held while it is made and while it waits', async () => {
  const m = maker();
  const pool = new NamespacePool(m);
  assert.equal(pool.take(), undefined);
  pool.refill();
  pool.refill();
  assert.deepEqual(pool.addresses(), ['10.0.0.2']);
  assert.equal(pool.take(), undefined, 'not ready yet');
  m.finish();
  await settle();
  assert.deepEqual(pool.addresses(), ['10.0.0.2']);
  assert.equal(pool.take()?.ns, 'ns1');
  assert.deepEqual(pool.addresses(), []);
  assert.deepEqual(m.built, ['ns1']);
});

test('an address a container asks for is given up; close deletes what is ready', async () => {
  const m = maker();
  const pool = new NamespacePool(m);
  pool.refill();
  m.finish();
  await settle();
  await pool.release('10.0.0.2');
  assert.deepEqual(m.discarded, ['ns1']);
  pool.refill();
  m.finish();
  await settle();
  await pool.close();
  assert.deepEqual(m.discarded, ['ns1', 'ns2']);
  pool.refill();
  assert.deepEqual(pool.addresses(), [], 'a closed pool makes no more');
});

test('after three failures in a row the pool stops trying', async () => {
  const m = maker({ fail: true });
  const pool = new NamespacePool(m);
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    for (let i = 0; i < 4; i++) { pool.refill(); m.finish(); await settle(); }
  } finally { process.stderr.write = write; }
  assert.deepEqual(m.built, ['ns1', 'ns2', 'ns3']);
});

test('a namespace nobody takes within the idle time is deleted', async () => {
  const m = maker();
  const pool = new NamespacePool(m, 30);
  pool.refill();
  m.finish();
  await settle();
  assert.deepEqual(pool.addresses(), ['10.0.0.2']);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(m.discarded, ['ns1']);
  assert.equal(pool.take(), undefined);
});

test('refillSoon makes the next one later, unless refill comes first', async () => {
  const m = maker();
  const pool = new NamespacePool(m);
  pool.refillSoon(40);
  assert.deepEqual(pool.addresses(), [], 'nothing reserved yet');
  await new Promise((r) => setTimeout(r, 70));
  assert.deepEqual(pool.addresses(), ['10.0.0.2'], 'made after the delay');
  m.finish();
  await settle();
  pool.take();
  pool.refillSoon(10_000);
  pool.refill();
  assert.deepEqual(pool.addresses(), ['10.0.0.3'], 'refill does not wait for the timer');
  m.finish();
  await pool.close();
});
