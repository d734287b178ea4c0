// Host ends left to the kernel: their addresses stay out of use while they are there, a restarting
// container takes its own back, and one that outlives the grace period is deleted by hand. `lo`
// stands in for an end that is still there, a made-up name for one the kernel has deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DepartingEnds } from '../../../runtime/network/departing-ends.js';

test('an address is held while its host end is there, and free once it is gone', () => {
  const d = new DepartingEnds(async () => undefined, 60_000);
  d.add('lo', 'bridge', '10.0.0.2');
  d.add('vberthgone_0', 'bridge', '10.0.0.3');
  d.add('lo', 'other', '10.1.0.2');
  assert.deepEqual(d.addressesHeld('bridge'), []);
  // `lo` was re-added for `other`: one entry per host end.
  assert.deepEqual(d.addressesHeld('other'), ['10.1.0.2']);
});

test('a container starting again takes the host ends of its last run that are still there', () => {
  const d = new DepartingEnds(async () => undefined, 60_000);
  d.add('lo', 'bridge', '10.0.0.2');
  d.add('vberthgone_0', 'bridge', '10.0.0.3');
  assert.deepEqual(d.take('l'), ['lo']);
  assert.deepEqual(d.addressesHeld('bridge'), []);
});

test('an end still there after the grace period is deleted by hand; a gone one is not', async () => {
  const removed: string[][] = [];
  const d = new DepartingEnds(async (v) => { removed.push(v); }, 20);
  d.add('lo', 'bridge', '10.0.0.2');
  d.add('vberthgone_0', 'bridge', '10.0.0.3');
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(removed, [['lo']]);
  assert.deepEqual(d.addressesHeld('bridge'), []);
});
