// Builds that must fail, with a message a user can act on and the right exit code: a syntax error
// (with its line), a missing COPY source, a context tar with `..` entries, a failing RUN, an unknown
// target or stage, and builds killed half-way (client gone, daemon killed), which leave no image listed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestOptions, startBuildEngine, type BuildEngine } from '../builder/helpers/build-engine.js';
import { contextTar, postBuild } from '../builder/helpers/build-request.js';

const opts = buildTestOptions();
let engine: BuildEngine;
const work = mkdtempSync(join(tmpdir(), 'berth-build-err-'));

before(async () => {
  if (!opts.skip) engine = await startBuildEngine();
});
after(async () => {
  await engine?.dispose();
  rmSync(work, { recursive: true, force: true });
});

let n = 0;
function context(dockerfile: string, files: Record<string, string> = {}): string {
  const dir = join(work, `c${n++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), c);
  return dir;
}

async function listed(): Promise<string[]> {
  const r = await engine.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  return r.stdout.trim().split('\n').filter(Boolean).sort();
}

test('a syntax error names its line; nothing runs', opts, async () => {
  const r = await engine.docker(['build', context(`FROM ${engine.base}\nRUN echo ok\nFOO bar\n`)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Dockerfile parse error on line 3: unknown instruction: FOO/);
  assert.doesNotMatch(r.stdout, /Step 1/);
});

test('a missing COPY source fails the step', opts, async () => {
  const r = await engine.docker(['build', context(`FROM ${engine.base}\nCOPY here.txt missing.txt /dst/\n`, { 'here.txt': 'x' })]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Step 2\/2 : COPY here.txt missing.txt \/dst\//);
  assert.match(r.stderr, /COPY failed: file not found in build context or excluded by \.dockerignore: stat missing\.txt: file does not exist/);
});

test('a context tar with ".." entries is refused before anything is written', opts, async () => {
  const body = await contextTar([
    { name: 'Dockerfile', content: `FROM ${engine.base}\nCOPY . /\n` },
    { name: '../../../../tmp/berth-escaped.txt', content: 'escaped' },
  ]);
  const reply = await postBuild(engine.socket, { t: 'berth-test/hostile' }, body);
  assert.equal(reply.status, 400);
  assert.match(reply.error ?? '', /the build context tar has an entry "..\/..\/..\/..\/tmp\/berth-escaped.txt" with "..", which would place it outside the context; refusing to build/);
  assert.equal(existsSync('/tmp/berth-escaped.txt'), false);
  assert.deepEqual(readdirSync(join(engine.root, 'tmp')), [], 'the unpacked part of the context is gone');
});

test('a failing RUN ends docker build with the command\'s exit code and message', opts, async () => {
  const r = await engine.docker(['build', context(`FROM ${engine.base}\nRUN echo before && exit 3\n`)]);
  assert.equal(r.code, 3);
  assert.match(r.stdout, /before/);
  assert.match(r.stderr, /The command '\/bin\/sh -c echo before && exit 3' returned a non-zero code: 3/);
  const exec = await engine.docker(['build', context(`FROM ${engine.base}\nRUN ["/no/such/binary"]\n`)]);
  assert.equal(exec.code, 1);
  assert.match(exec.stderr, /The command '\/no\/such\/binary' could not be started/);
});

test('an unknown target or stage is named', opts, async () => {
  const dir = context(`FROM ${engine.base} AS one\nRUN true\n`);
  const target = await engine.docker(['build', '--target', 'two', dir]);
  assert.equal(target.code, 1);
  assert.match(target.stderr, /failed to reach build target two in Dockerfile/);
  const from = await engine.docker(['build', context(`FROM ${engine.base}\nCOPY --from=NoSuchStage /x /x\n`)]);
  assert.equal(from.code, 1);
  assert.match(from.stderr, /invalid from flag value NoSuchStage: no build stage has that name/);
  const base = await engine.docker(['build', context('FROM NoSuchStage\nRUN true\n')]);
  assert.equal(base.code, 1);
  assert.match(base.stderr, /FROM NoSuchStage: no earlier build stage has that name, and it is not an image reference/);
});

/** Starts `docker build` and resolves once its output contains `marker`; returns the child. */
function buildUntil(dir: string, tag: string, marker: RegExp): Promise<{ kill: (s: NodeJS.Signals) => void; done: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['build', '-t', tag, dir], { env: engine.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const done = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (marker.test(out)) resolve({ kill: (s) => child.kill(s), done });
    });
    child.on('error', reject);
    void done.then(() => reject(new Error(`docker build ended before ${marker}: ${out}`)));
  });
}

test('a build whose client goes away stops its RUN and leaves no image listed; the finished steps stay cached', opts, async () => {
  const before = await listed();
  const dir = context(`FROM ${engine.base}\nRUN echo first > /first\nRUN echo started && sleep 600\nRUN echo never\n`);
  const build = await buildUntil(dir, 'berth-test/killed', /^started$/m);
  build.kill('SIGKILL');
  await build.done;
  // The daemon notices the closed connection, kills the step and cleans up; wait for that (a deadline
  // only turns a hang into a failure).
  const deadline = Date.now() + 30_000;
  while (readdirSync(join(engine.root, 'tmp')).length) {
    assert.ok(Date.now() < deadline, `the build's temp files are still there: ${readdirSync(join(engine.root, 'tmp'))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(await listed(), before);
  const again = await engine.docker(['build', context(`FROM ${engine.base}\nRUN echo first > /first\n`)]);
  assert.match(again.stdout, /Using cache/, 'the step that finished before the kill is cached');
});

test('a daemon killed mid-build comes back with no half image: the tag is absent, nothing new is listed', opts, async () => {
  const before = await listed();
  const dir = context(`FROM ${engine.base}\nRUN echo one > /one\nRUN echo running && sleep 600\n`);
  const build = await buildUntil(dir, 'berth-test/crashed', /^running$/m);
  await engine.stop('SIGKILL');
  await build.done;
  await engine.restart();
  assert.deepEqual(await listed(), before);
  const inspect = await engine.docker(['image', 'inspect', 'berth-test/crashed']);
  assert.notEqual(inspect.code, 0);
  const rebuilt = await engine.docker(['build', '-t', 'berth-test/crashed', context(`FROM ${engine.base}\nRUN echo one > /one\n`)]);
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  assert.match(rebuilt.stdout, /Using cache/);
  // The RUN that was running when the daemon died was killed when it came back.
  for (const runtime of ['runc', 'crun']) {
    const list = spawnSync(runtime, ['list', '--format', 'json'], { encoding: 'utf8' });
    const tasks = (JSON.parse(list.stdout || '[]') ?? []) as { bundle: string }[];
    assert.deepEqual(tasks.filter((t) => t.bundle.startsWith(engine.root)), [], `${runtime} still runs a task of the killed build`);
  }
});
