// ShellcheckRunner with a fake process: per-script cache (LRU), one process at a time with the
// waiting scripts batched newest first, withdrawn requests kill a process nobody waits for, and a
// missing executable is reported without starting anything.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShellcheckComment } from '../../dockerfile/lint/shellcheck-process';
import { ShellcheckRunner, type ShellcheckRunnerDeps } from '../../language-server/shellcheck-runner';

interface Run { scripts: readonly string[]; signal: AbortSignal; resolve(): void; reject(e: unknown): void }

function comment(text: string): ShellcheckComment {
  return { line: 1, endLine: 1, column: 1, endColumn: 2, level: 'info', code: text.length, message: text, fix: null };
}

function harness(over: Partial<ShellcheckRunnerDeps> = {}) {
  const runs: Run[] = [];
  let locates = 0;
  const runner = new ShellcheckRunner({
    run: (scripts, { signal }) => new Promise((resolve, reject) => {
      // Each script's comment names it, so a mix-up shows.
      runs.push({ scripts, signal, resolve: () => resolve(scripts.map((s) => [comment(s)])), reject });
    }),
    locate: (exe) => {
      locates++;
      return exe === 'missing' ? { error: new Error('ShellCheck was not found as "missing"') } : { path: `/usr/bin/${exe}` };
    },
    ...over,
  });
  return { runner, runs, locates: () => locates };
}

const tick = () => new Promise((r) => setImmediate(r));
const messages = (cs: readonly (readonly ShellcheckComment[])[]) => cs.map((c) => c.map((x) => x.message));

test('a script checked once is answered from the cache, in any document', async () => {
  const { runner, runs } = harness();
  const first = runner.check(['a', 'b'], 'shellcheck', new AbortController().signal);
  await tick();
  assert.deepEqual(runs.map((r) => r.scripts), [['a', 'b']]);
  runs[0].resolve();
  assert.deepEqual(messages(await first), [['a'], ['b']]);
  // Another document with one of the same scripts and a new one: only the new one runs.
  const second = runner.check(['b', 'c'], 'shellcheck', new AbortController().signal);
  await tick();
  assert.deepEqual(runs.map((r) => r.scripts), [['a', 'b'], ['c']]);
  runs[1].resolve();
  assert.deepEqual(messages(await second), [['b'], ['c']]);
  assert.deepEqual(messages(await runner.check(['a', 'c'], 'shellcheck', new AbortController().signal)), [['a'], ['c']]);
  assert.equal(runs.length, 2, 'nothing ran for cached scripts');
});

test('the cache is bounded: the least recently used script goes first', async () => {
  const { runner, runs } = harness({ cacheSize: 2 });
  const ask = async (texts: string[]) => {
    const p = runner.check(texts, 'shellcheck', new AbortController().signal);
    await tick();
    runs[runs.length - 1]?.resolve();
    return p;
  };
  await ask(['a', 'b']);
  await ask(['a']); // a hit: a is now the most recent
  await ask(['c']); // evicts b
  const before = runs.length;
  await ask(['a']);
  assert.equal(runs.length, before, 'a is still cached');
  await ask(['b']);
  assert.equal(runs.length, before + 1, 'b was evicted and runs again');
});

test('one process at a time; what waits goes together into the next, newest first', async () => {
  const { runner, runs } = harness({ maxScriptsPerRun: 3 });
  const signal = () => new AbortController().signal;
  const p1 = runner.check(['a'], 'shellcheck', signal());
  const p2 = runner.check(['b'], 'shellcheck', signal());
  const p3 = runner.check(['c', 'd'], 'shellcheck', signal());
  const p4 = runner.check(['e', 'f'], 'shellcheck', signal());
  await tick();
  assert.equal(runs.length, 1, 'a second process waits for the first');
  assert.equal(runner.runningCount, 1);
  runs[0].resolve();
  await p1;
  await tick();
  // Newest first, up to 3 scripts: e f, then c d would make 4 and waits; b fits.
  assert.deepEqual(runs[1].scripts, ['e', 'f', 'b']);
  runs[1].resolve();
  assert.deepEqual(messages(await p4), [['e'], ['f']]);
  assert.deepEqual(messages(await p2), [['b']]);
  await tick();
  assert.deepEqual(runs[2].scripts, ['c', 'd']);
  runs[2].resolve();
  assert.deepEqual(messages(await p3), [['c'], ['d']]);
});

test('a withdrawn request is dropped; a process nobody waits for is killed', async () => {
  const { runner, runs } = harness();
  const a = new AbortController();
  const pa = runner.check(['x'], 'shellcheck', a.signal);
  await tick();
  a.abort();
  await assert.rejects(pa);
  assert.equal(runs[0].signal.aborted, true, 'the process is stopped');
  runs[0].reject(new Error('killed'));
  // Two documents in one process: withdrawing one leaves the process to the other.
  const b = new AbortController();
  const c = new AbortController();
  const blocker = runner.check(['blocker'], 'shellcheck', new AbortController().signal);
  await tick();
  const pb = runner.check(['y'], 'shellcheck', b.signal);
  const pc = runner.check(['z'], 'shellcheck', c.signal);
  runs[1].resolve();
  await blocker;
  await tick();
  assert.deepEqual(runs[2].scripts, ['z', 'y']);
  b.abort();
  await assert.rejects(pb);
  assert.equal(runs[2].signal.aborted, false, 'still wanted by the other document');
  runs[2].resolve();
  assert.deepEqual(messages(await pc), [['z']]);
  // A request withdrawn before its process starts never starts one.
  const blocker2 = runner.check(['blocker2'], 'shellcheck', new AbortController().signal);
  await tick();
  const d = new AbortController();
  const pd = runner.check(['w'], 'shellcheck', d.signal);
  d.abort();
  await assert.rejects(pd);
  runs[3].resolve();
  await blocker2;
  await tick();
  assert.equal(runs.length, 4);
});

test('a missing ShellCheck is an error without a process, looked for again only after a while or when told', async () => {
  let now = 0;
  const { runner, runs, locates } = harness({ now: () => now, locateTtlMs: 1000 });
  for (let i = 0; i < 3; i++) await assert.rejects(runner.check(['a'], 'missing', new AbortController().signal), /not found as "missing"/);
  assert.equal(runs.length, 0);
  assert.equal(locates(), 1);
  assert.equal(runner.knownMissing('missing'), true);
  assert.equal(runner.knownMissing('shellcheck'), false);
  now = 2000;
  await assert.rejects(runner.check(['a'], 'missing', new AbortController().signal));
  assert.equal(locates(), 2);
  runner.forgetLocations();
  await assert.rejects(runner.check(['a'], 'missing', new AbortController().signal));
  assert.equal(locates(), 3);
});

test('a process that fails fails every request in it', async () => {
  const { runner, runs } = harness();
  const p = runner.check(['a', 'b'], 'shellcheck', new AbortController().signal);
  await tick();
  runs[0].reject(new Error('ShellCheck ("shellcheck") gave no readable output'));
  await assert.rejects(p, /no readable output/);
  // Nothing was cached: asked again, it runs again.
  const again = runner.check(['a'], 'shellcheck', new AbortController().signal);
  await tick();
  assert.equal(runs.length, 2);
  runs[1].resolve();
  await again;
});
