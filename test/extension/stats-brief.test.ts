// berth.containers.showStats: the `3% · 45 MB` text, and the poller's rules: nothing while inactive,
// one round at a time (the next only after the last finished), all running containers per round, a
// few requests at once, texts cleared when turned off, stopped or failing containers left without one.
import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BriefStatsPoller, briefText } from '../../extension/stats/stats-brief.js';
import type { StatsJson } from '../../extension/stats/stats-sample.js';
import { containerNode } from '../../extension/views/container-nodes.js';
import { ContainersProvider } from '../../extension/views/containers-view.js';
import type { ViewNode } from '../../extension/views/view-node.js';

test('the brief text: CPU % (one decimal under 10) and memory without the page cache', () => {
  assert.equal(briefText({ cpuPercent: 3.04, memoryBytes: 45_000_000 }), '3% · 45 MB');
  assert.equal(briefText({ cpuPercent: 0.26, memoryBytes: 1_234_567 }), '0.3% · 1.2 MB');
  assert.equal(briefText({ cpuPercent: 0, memoryBytes: 512 }), '0% · 512 B');
  assert.equal(briefText({ cpuPercent: 154.6, memoryBytes: 2_500_000_000 }), '155% · 2.5 GB');
});

test("a running container's row shows the text first; other states never do", () => {
  const c = { Id: 'a'.repeat(64), Names: ['/web'], Image: 'nginx', State: 'running', Status: 'Up 5 minutes', Ports: [] };
  assert.equal(containerNode(c, '3% · 45 MB').description, '3% · 45 MB  ·  Up 5 minutes  ·  nginx');
  assert.equal(containerNode(c).description, 'Up 5 minutes  ·  nginx');
  assert.equal(containerNode({ ...c, State: 'exited', Status: 'Exited (0) 1 minute ago' }, '3% · 45 MB').description, 'Exited (0) 1 minute ago  ·  nginx');
});

function statsOf(cpuDelta: number, memory: number): StatsJson {
  return {
    cpu_stats: { cpu_usage: { total_usage: 1_000 + cpuDelta }, system_cpu_usage: 2_000_000, online_cpus: 1 },
    precpu_stats: { cpu_usage: { total_usage: 1_000 }, system_cpu_usage: 1_000_000 },
    memory_stats: { usage: memory, stats: { inactive_file: 0 } },
  };
}

/** A fake engine whose answers the test releases, and a timer queue the test runs by hand. */
function harness(running: string[] | undefined) {
  const timers: { fn: () => void; ms: number }[] = [];
  const pending: { id: string; answer: (s: StatsJson) => void; fail: (e: Error) => void; signal: AbortSignal }[] = [];
  let changes = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const source = {
    running: () => running,
    stats: (id: string, signal: AbortSignal) => new Promise<StatsJson>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = () => { inFlight--; };
      pending.push({ id, signal, answer: (s) => { done(); resolve(s); }, fail: (e) => { done(); reject(e); } });
    }),
  };
  const poller = new BriefStatsPoller(source, () => void changes++, {
    intervalMs: 5_000,
    concurrency: 2,
    setTimer: (fn, ms) => { const t = { fn, ms }; timers.push(t); return t; },
    clearTimer: (h) => { const i = timers.indexOf(h as { fn: () => void; ms: number }); if (i >= 0) timers.splice(i, 1); },
  });
  const fire = () => timers.shift()!.fn();
  const settle = () => new Promise((r) => setImmediate(r));
  return { poller, timers, pending, fire, settle, changes: () => changes, maxInFlight: () => maxInFlight, setRunning: (r: string[]) => { running = r; } };
}

test('inactive: no timer and no request; active: every running container sampled, two at a time', async () => {
  const h = harness(['a', 'b', 'c']);
  assert.equal(h.timers.length, 0);
  assert.equal(h.pending.length, 0);
  h.poller.setActive(true);
  assert.deepEqual(h.timers.map((t) => t.ms), [0]);
  h.fire();
  await h.settle();
  assert.deepEqual(h.pending.map((p) => p.id), ['a', 'b']);
  h.pending.shift()!.answer(statsOf(30_000, 45_000_000));
  await h.settle();
  assert.deepEqual(h.pending.map((p) => p.id), ['b', 'c']);
  // While a round runs there is no timer: rounds never overlap.
  assert.equal(h.timers.length, 0);
  h.pending.shift()!.fail(new Error('no such container'));
  h.pending.shift()!.answer(statsOf(0, 0));
  await h.settle();
  assert.equal(h.maxInFlight(), 2);
  assert.equal(h.poller.text('a'), '3% · 45 MB');
  assert.equal(h.poller.text('b'), undefined, 'a failed request leaves no text');
  assert.equal(h.poller.text('c'), undefined, 'a container that stopped (all zeros) has none');
  assert.equal(h.changes(), 1);
  // The next round waits out the interval after this one ended.
  assert.deepEqual(h.timers.map((t) => t.ms), [5_000]);
  h.setRunning(['a']);
  h.fire();
  await h.settle();
  h.pending.shift()!.answer(statsOf(30_000, 45_000_000));
  await h.settle();
  assert.equal(h.changes(), 1, 'the same text again is no change');
  assert.equal(h.poller.rounds, 2);
});

test('turned off mid-round: its requests are aborted, the texts go, and nothing more is asked', async () => {
  const h = harness(['a', 'b']);
  h.poller.setActive(true);
  h.fire();
  await h.settle();
  h.pending[0].answer(statsOf(10_000, 1_000_000));
  await h.settle();
  const second = h.pending[1];
  h.poller.setActive(false);
  assert.ok(second.signal.aborted);
  second.fail(new Error('aborted'));
  await h.settle();
  assert.equal(h.timers.length, 0);
  assert.equal(h.poller.text('a'), undefined);
  // On again: a fresh round at once.
  h.poller.setActive(true);
  assert.deepEqual(h.timers.map((t) => t.ms), [0]);
  h.poller.dispose();
  assert.equal(h.timers.length, 0);
});

test('before the view has listed anything, a round asks nothing and tries again later', async () => {
  const h = harness(undefined);
  h.poller.setActive(true);
  h.fire();
  await h.settle();
  assert.equal(h.pending.length, 0);
  assert.equal(h.poller.rounds, 0);
  assert.deepEqual(h.timers.map((t) => t.ms), [5_000]);
  h.poller.dispose();
});

test('new stats change the rows in place: the same elements, each re-rendered alone, no new listing', async () => {
  let lists = 0;
  const docker = { listContainers: async () => { lists++; return [
    { Id: 'a'.repeat(64), Names: ['/web'], Image: 'nginx', State: 'running', Status: 'Up 1 minute', Created: 2 },
    { Id: 'b'.repeat(64), Names: ['/old'], Image: 'nginx', State: 'exited', Status: 'Exited (0)', Created: 1 },
  ]; } };
  let text: string | undefined;
  const p = new ContainersProvider(() => docker as never, () => 'none', () => undefined, () => text);
  const fired: (ViewNode | undefined)[] = [];
  p.onDidChangeTreeData((n) => void fired.push(n));
  const before = await p.getChildren();
  assert.equal(before[0].description, 'Up 1 minute  ·  nginx');
  assert.deepEqual(p.runningIds(), ['a'.repeat(64)]);
  text = '3% · 45 MB';
  p.statsChanged();
  assert.equal(fired.length, 1);
  assert.equal(fired[0], before[0]);
  const after = await p.getChildren();
  assert.equal(after[0], before[0]);
  assert.equal(after[0].description, '3% · 45 MB  ·  Up 1 minute  ·  nginx');
  p.statsChanged();
  assert.equal(fired.length, 1, 'nothing changed, nothing fired');
  assert.equal(lists, 1);
});
