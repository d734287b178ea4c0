// IdleGate with a fake clock and fake timers: waiters go after a quiet spell;
// a busy server holds them; a long wait forces them through, spaced; an abort withdraws one.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { IdleGate } from '../../language-server/idle-gate';

let now = 0;
function advance(ms: number): void {
  now += ms;
  mock.timers.tick(ms);
}
const flush = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

beforeEach(() => {
  now = 0;
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(() => mock.timers.reset());

function gate() {
  return new IdleGate({ idleMs: 100, maxWaitMs: 2000, forcedEveryMs: 50, now: () => now });
}

test('waiters go after a quiet spell', async () => {
  const g = gate();
  g.touch();
  const done: number[] = [];
  for (let i = 0; i < 3; i++) void g.whenIdle().then(() => done.push(i));
  advance(99);
  await flush();
  assert.deepEqual(done, []);
  advance(1);
  await flush();
  // Each goes in its own timer turn (the fake timers run those in one tick).
  assert.deepEqual(done, [0, 1, 2]);
});

test('messages hold waiters back; a long wait lets them through, spaced', async () => {
  const g = gate();
  const done: number[] = [];
  for (let i = 0; i < 2; i++) void g.whenIdle().then(() => done.push(i));
  // Busy every 50 ms: never quiet for 100 ms.
  for (let t = 0; t < 1950; t += 50) {
    g.touch();
    advance(50);
    await flush();
  }
  assert.deepEqual(done, []);
  g.touch();
  advance(50);
  await flush();
  assert.deepEqual(done, [0], 'forced after 2 s');
  g.touch();
  advance(10);
  await flush();
  assert.deepEqual(done, [0], 'the next forced one waits its spacing');
  g.touch();
  advance(40);
  await flush();
  assert.deepEqual(done, [0, 1]);
});

test('an aborted waiter is withdrawn', async () => {
  const g = gate();
  const a = new AbortController();
  const p = g.whenIdle(a.signal);
  a.abort(new Error('stale'));
  await assert.rejects(p, /stale/);
  assert.equal(g.waiting, 0);
  await assert.rejects(g.whenIdle(a.signal), /stale/, 'already aborted');
});
