// RUN --mount in the bundled builder, differential against BuildKit (Docker Engine 20.10's, driven by
// its own 20.10 client with DOCKER_BUILDKIT=1): the fixture test/runtime/builder/fixtures/run-mounts
// is built by both from the same busybox base; image configs and root filesystems must match, no
// layer may hold what a mount held, and a cache mount must carry its files into the next build.
// Then the bad inputs: one-line errors naming the flag and the Dockerfile line, nothing left behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCI } from '../../helpers/prereqs.js';
import type { RunResult } from '../../helpers/daemon.js';
import {
  DOCKER_ENGINE_HOST, buildTestOptions, dockerEngineAnswers, removeFromDockerEngine, shareBaseWithDockerEngine, startBuildEngine, type BuildEngine,
} from '../builder/helpers/build-engine.js';
import { contextTar, postBuild, type ContextFile } from '../builder/helpers/build-request.js';
import { snapshotImage, type ImageSnapshot } from '../builder/helpers/image-snapshot.js';
import { buildSecretsHeaders } from '../../../runtime/builder/mounts/build-secrets.js';

const FIXTURE = join(__dirname, '..', 'builder', 'fixtures', 'run-mounts');
const BUILDKIT_CLI = '/usr/bin/docker';
const SECRET = 's3cr3t-value-for-berth-test';
const opts = buildTestOptions();
let engine: BuildEngine;
let docker = false;
const work = mkdtempSync(join(tmpdir(), 'berth-build-mounts-'));
const dockerTags: string[] = [];

before(async () => {
  if (opts.skip) return;
  engine = await startBuildEngine();
  docker = existsSync(BUILDKIT_CLI) && await dockerEngineAnswers();
  if (docker) await shareBaseWithDockerEngine(engine);
});
after(async () => {
  if (docker && engine) await removeFromDockerEngine([], [...dockerTags, engine.base]);
  await engine?.dispose();
  rmSync(work, { recursive: true, force: true });
});

function requireDocker(t: { skip(msg: string): void }): boolean {
  if (docker) return true;
  if (inCI) assert.fail('Docker Engine 20.10 (/usr/bin/docker and /var/run/docker.sock) is needed for the BuildKit comparison');
  t.skip('Docker Engine 20.10 does not answer on /var/run/docker.sock');
  return false;
}

function buildkit(args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(BUILDKIT_CLI, args, { env: { ...process.env, DOCKER_HOST: DOCKER_ENGINE_HOST, DOCKER_BUILDKIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => { stdout += d; });
    c.stderr.on('data', (d: Buffer) => { stderr += d; });
    c.on('error', reject);
    c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The fixture's files as a context tar for Berth's API (secrets go in headers, which the CLI cannot send). */
function fixtureFiles(): ContextFile[] {
  return readdirSync(FIXTURE).map((name) => ({ name, content: require('node:fs').readFileSync(join(FIXTURE, name)) as Buffer }));
}

async function berthBuild(tag: string, buildargs: Record<string, string>, extra: Record<string, string> = {}, files = fixtureFiles(), secrets: Record<string, string> = { token: SECRET }) {
  return postBuild(engine.socket, { t: tag, buildargs: JSON.stringify({ BASE: engine.base, ...buildargs }), ...extra }, await contextTar(files), buildSecretsHeaders(secrets));
}

async function buildkitBuild(tag: string, buildargs: Record<string, string>, extra: string[] = []): Promise<RunResult> {
  const secretFile = join(work, 'token');
  writeFileSync(secretFile, SECRET);
  const ctx = join(work, 'ctx');
  rmSync(ctx, { recursive: true, force: true });
  cpSync(FIXTURE, ctx, { recursive: true });
  dockerTags.push(tag);
  const args = Object.entries({ BASE: engine.base, ...buildargs }).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  return buildkit(['build', '--progress=plain', '--secret', `id=token,src=${secretFile}`, ...args, ...extra, '-t', tag, ctx]);
}

const text = (s: ImageSnapshot, path: string): string | undefined => s.files.get(path)?.sha256;
const sha = (t: string): string => require('node:crypto').createHash('sha256').update(t).digest('hex') as string;

/** BuildKit adds dev/, proc/, sys/ and etc/ folders to a RUN's layer (its mount points); Berth keeps those in an init layer. */
const MOUNTPOINTS = new Set(['dev', 'proc', 'sys']);

function assertSameFiles(berth: ImageSnapshot, bk: ImageSnapshot): void {
  const diff: string[] = [];
  for (const path of new Set([...berth.files.keys(), ...bk.files.keys()])) {
    if (MOUNTPOINTS.has(path)) continue;
    const a = JSON.stringify(berth.files.get(path));
    const b = JSON.stringify(bk.files.get(path));
    if (a !== b) diff.push(`/${path}\n  berth:    ${a}\n  buildkit: ${b}`);
  }
  assert.deepEqual(diff, [], 'root filesystems differ');
}

test('RUN --mount: same image as BuildKit; cache carried to the next build, --no-cache starts empty; nothing a mount held in any layer', opts, async (t) => {
  if (!requireDocker(t)) return;
  const tag = `berth-test/mounts:${process.pid}`;
  // --no-cache on both first: each engine's cache mount starts empty whatever ran before.
  const b1 = await berthBuild(tag, { V: '1' }, { nocache: '1' });
  assert.equal(b1.error, undefined, b1.text);
  const d1 = await buildkitBuild(tag, { V: '1' }, ['--no-cache']);
  assert.equal(d1.code, 0, d1.stderr);
  let berth = await snapshotImage(engine.host, tag);
  let bk = await snapshotImage(DOCKER_ENGINE_HOST, tag);
  assert.deepEqual(berth.config, bk.config, 'image config');
  assertSameFiles(berth, bk);
  assert.equal(text(berth, 'seen-cache'), sha('1\n'));
  assert.equal(text(berth, 'seen-tool'), sha('tool-1\n'));
  assert.equal(text(berth, 'seen-context'), sha('hello\n'));
  assert.equal(text(berth, 'seen-rw'), sha('changed\n'));
  assert.equal(text(berth, 'seen-tmpfs'), sha('f\n'));
  assert.equal(text(berth, 'seen-secret-stat'), sha('440 1 2\n'));
  assert.equal(text(berth, 'seen-cache-stat'), sha('700 3\n'));
  // The targets stay as empty folders (as BuildKit leaves them); the secret's file does not.
  for (const dir of ['cache/c1', 'mnt/tools', 'ctx', 'scratch/t', 'run/secrets', 'var/cache/m']) assert.equal(berth.files.get(dir)?.type, 'directory', dir);
  for (const gone of ['cache/c1/log', 'mnt/tools/version', 'ctx/hello.txt', 'scratch/t/f', 'run/secrets/token', 'etc/app/token']) assert.equal(berth.files.has(gone), false, gone);

  // A changed build arg re-runs the step, which sees the first build's cache file.
  const b2 = await berthBuild(tag, { V: '2' });
  assert.equal(b2.error, undefined, b2.text);
  const d2 = await buildkitBuild(tag, { V: '2' });
  assert.equal(d2.code, 0, d2.stderr);
  berth = await snapshotImage(engine.host, tag);
  bk = await snapshotImage(DOCKER_ENGINE_HOST, tag);
  assert.equal(text(berth, 'seen-cache'), sha('1\n2\n'));
  assertSameFiles(berth, bk);

  // --no-cache: empty again, for both.
  const b3 = await berthBuild(tag, { V: '3' }, { nocache: '1' });
  assert.equal(b3.error, undefined, b3.text);
  berth = await snapshotImage(engine.host, tag);
  assert.equal(text(berth, 'seen-cache'), sha('3\n'));

  // The secret is in no layer, no history line and no config of any step image, nor in the log.
  const saved = await engine.docker(['save', tag]);
  assert.equal(saved.stdout.includes(SECRET), false, 'a layer or config holds the secret');
  const history = await engine.docker(['history', '--no-trunc', tag]);
  assert.equal(history.stdout.includes(SECRET), false);
  assert.equal(engine.log().includes(SECRET), false, 'the engine log holds the secret');
});

test('cache mounts are listed by system df and removed by builder prune', opts, async () => {
  const df = await engine.client.df() as { BuildCache?: { Type: string; Description: string; Size: number }[] };
  const mounts = (df.BuildCache ?? []).filter((b) => b.Type === 'exec.cachemount');
  assert.ok(mounts.some((b) => b.Description.startsWith('cached mount /cache/c1 from exec ') && b.Size > 0), JSON.stringify(df.BuildCache));
  assert.ok(mounts.some((b) => b.Description.startsWith('cached mount /var/cache/m ')), JSON.stringify(df.BuildCache));
  const cli = await engine.docker(['system', 'df']);
  assert.match(cli.stdout, /^Build Cache\s+\d+\s+0\s+\d/m, cli.stdout + cli.stderr);
  const pruned = await engine.docker(['builder', 'prune', '-f']);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /Total reclaimed space/);
  assert.deepEqual(readdirSync(join(engine.root, 'build-cache', 'mounts')).filter((n) => !n.startsWith('.')), []);
});

test('secret env= and required secrets; a missing one fails naming its id and line', opts, async () => {
  const files: ContextFile[] = [{ name: 'Dockerfile', content: 'ARG BASE\nFROM $BASE\nRUN --mount=type=secret,id=api,env=API_KEY,required test "$API_KEY" = k && touch /ok\n' }];
  const ok = await berthBuild(`berth-test/secret-env:${process.pid}`, {}, {}, files, { api: 'k' });
  assert.equal(ok.error, undefined, ok.text);
  const missing = await berthBuild(`berth-test/secret-env:${process.pid}`, {}, { nocache: '1' }, files, {});
  assert.match(missing.error ?? '', /^Dockerfile line 3: RUN --mount=type=secret,id=api,env=API_KEY,required: secret "api" is required/);
  assert.doesNotMatch(missing.error ?? '', /\n/);
});

test('an env= secret never reaches the disk: the running step\'s spec is in /dev/shm, linked from its bundle', opts, async () => {
  const value = `in-memory-only-${process.pid}`;
  const files: ContextFile[] = [{ name: 'Dockerfile', content: 'ARG BASE\nFROM $BASE\nRUN --mount=type=secret,id=api,env=API_KEY test -n "$API_KEY" && sleep 3\n' }];
  const build = berthBuild(`berth-test/secret-mem:${process.pid}`, {}, { nocache: '1' }, files, { api: value });
  // Folders come and go while the build runs: a walk or a read that loses the race is tried again.
  const specs = (dir: string): string[] => {
    try {
      return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.name === 'config.json').map((e) => join(e.parentPath, e.name));
    } catch {
      return [];
    }
  };
  const text = (f: string): string => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
  let linked = 0;
  const deadline = Date.now() + 60_000;
  while (!linked && Date.now() < deadline) {
    for (const f of specs(join(engine.root, 'tmp'))) {
      if (lstatSync(f, { throwIfNoEntry: false })?.isSymbolicLink()) linked++;
      else assert.doesNotMatch(text(f), new RegExp(value), `${f} holds the secret`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const done = await build;
  assert.equal(done.error, undefined, done.text);
  assert.ok(linked > 0, 'the running step\'s config.json was a link');
  assert.deepEqual(readdirSync('/dev/shm').filter((n) => n.startsWith('berth-spec-')), [], 'the in-memory spec goes with the step');
});

const BAD: [string, RegExp][] = [
  ['RUN --mount=type=nfs,target=/x true', /^Dockerfile (parse error on )?line 3: .*unsupported mount type "nfs"/],
  ['RUN --mount=type=cache,target=/x,colour=red true', /^Dockerfile (parse error on )?line 3: .*unexpected key 'colour'/],
  ['RUN --mount=type=cache,target=/x,from=nowhere,source=/ true', /^Dockerfile line 3: RUN --mount=type=cache,target=\/x,from=nowhere,source=\/: invalid from flag value nowhere/],
  ['RUN --mount=type=bind,source=../etc,target=/x true', /^Dockerfile line 3: RUN --mount=type=bind,source=..\/etc,target=\/x: source "..\/etc" is outside the build context/],
  ['RUN --security=insecure true', /^Dockerfile line 3: RUN --security=insecure is not allowed/],
];

for (const [line, want] of BAD) {
  test(`refused: ${line}`, opts, async () => {
    const before = existsSync(join(engine.root, 'build-cache', 'mounts')) ? readdirSync(join(engine.root, 'build-cache', 'mounts')) : [];
    const images = (await engine.client.listImages({ all: true })).length;
    const r = await berthBuild(`berth-test/bad:${process.pid}`, {}, {}, [{ name: 'Dockerfile', content: `ARG BASE\nFROM $BASE\n${line}\n` }]);
    assert.match(r.error ?? '', want);
    assert.doesNotMatch(r.error ?? '', /\n/);
    const after = existsSync(join(engine.root, 'build-cache', 'mounts')) ? readdirSync(join(engine.root, 'build-cache', 'mounts')) : [];
    assert.deepEqual(after, before, 'no cache mount made');
    assert.equal((await engine.client.listImages({ all: true })).length, images, 'no step image made');
  });
}
