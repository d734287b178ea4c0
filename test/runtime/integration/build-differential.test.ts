// The same Dockerfiles (test/runtime/builder/fixtures) built by berthd and by Docker Engine's legacy
// builder from the same busybox base image: image config fields, history lines and the root
// filesystems (paths, types, modes, owners, sizes, contents, link targets) must match. Docker Engine
// is the one CI starts on /var/run/docker.sock; with CI=true and no Docker Engine this fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCI } from '../../helpers/prereqs.js';
import {
  DOCKER_ENGINE_HOST, buildTestOptions, dockerEngine, dockerEngineAnswers, printedImageIds, removeFromDockerEngine, shareBaseWithDockerEngine,
  startBuildEngine, type BuildEngine,
} from '../builder/helpers/build-engine.js';
import { snapshotImage, type ImageSnapshot } from '../builder/helpers/image-snapshot.js';

const FIXTURES = join(__dirname, '..', 'builder', 'fixtures');
const opts = buildTestOptions();
let engine: BuildEngine;
let docker = false;
const work = mkdtempSync(join(tmpdir(), 'berth-build-diff-'));
const tags: string[] = [];
/** What Docker Engine built here (all stages), removed at the end: the engine is shared. */
const dockerIds: string[] = [];

before(async () => {
  if (opts.skip) return;
  docker = await dockerEngineAnswers();
  if (!docker) return;
  engine = await startBuildEngine();
  await shareBaseWithDockerEngine(engine);
});
after(async () => {
  if (docker && engine) {
    await removeFromDockerEngine(dockerIds, [...tags, engine.base]);
  }
  await engine?.dispose();
  rmSync(work, { recursive: true, force: true });
});

function requireDocker(t: { skip(msg: string): void }): boolean {
  if (docker) return true;
  if (inCI) assert.fail('Docker Engine does not answer on /var/run/docker.sock (CI starts dockerd for these tests)');
  t.skip('Docker Engine does not answer on /var/run/docker.sock');
  return false;
}

/** A copy of the fixture (git keeps only the x bit, so special modes are set here). */
function fixture(name: string): string {
  const dir = join(work, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  if (name === 'copy-rules') {
    chmodSync(join(dir, 'tools/run.sh'), 0o750);
    chmodSync(join(dir, 'second.txt'), 0o600);
    mkdirSync(join(dir, 'tools/empty'));
    chmodSync(join(dir, 'tools/inner'), 0o700);
    symlinkSync('run.sh', join(dir, 'tools/run-link'));
    symlinkSync('top.txt', join(dir, 'alias'));
  }
  return dir;
}

async function buildBoth(name: string): Promise<{ berth: ImageSnapshot; docker: ImageSnapshot }> {
  const dir = fixture(name);
  const tag = `berth-test/diff-${name}:${process.pid}`;
  tags.push(tag);
  const args = ['build', '--build-arg', `BASE=${engine.base}`, '-t', tag, dir];
  const [b, d] = [await engine.docker(args), await dockerEngine(args)];
  dockerIds.push(...printedImageIds(d.stdout));
  assert.equal(d.code, 0, `Docker Engine: ${d.stdout}${d.stderr}`);
  assert.equal(b.code, 0, `Berth: ${b.stdout}${b.stderr}`);
  return { berth: await snapshotImage(engine.host, tag), docker: await snapshotImage(DOCKER_ENGINE_HOST, tag) };
}

function assertSame(name: string, s: { berth: ImageSnapshot; docker: ImageSnapshot }): void {
  assert.deepEqual(s.berth.config, s.docker.config, `${name}: image config`);
  assert.deepEqual(s.berth.history, s.docker.history, `${name}: history`);
  const diff: string[] = [];
  for (const path of new Set([...s.berth.files.keys(), ...s.docker.files.keys()])) {
    const a = JSON.stringify(s.berth.files.get(path));
    const b = JSON.stringify(s.docker.files.get(path));
    if (a !== b) diff.push(`/${path}\n  berth:  ${a}\n  docker: ${b}`);
  }
  assert.deepEqual(diff, [], `${name}: root filesystems differ`);
}

for (const name of ['config-steps', 'copy-rules', 'multi-stage', 'run-changes']) {
  test(`${name}: same image as Docker Engine`, opts, async (t) => {
    if (!requireDocker(t)) return;
    assertSame(name, await buildBoth(name));
  });
}
