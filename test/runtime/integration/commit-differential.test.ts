// docker commit on berthd and on Docker Engine 20.10 (the one CI starts on /var/run/docker.sock), the
// same container from the same base image, the same options: the image records must agree (author,
// comment, config with the changes, container config, the new history entry) and so must the new
// layer's entries. With CI=true and no Docker Engine this fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inCI } from '../../helpers/prereqs.js';
import { buildTestOptions, dockerEngine, dockerEngineAnswers, removeFromDockerEngine, shareBaseWithDockerEngine, startBuildEngine, type BuildEngine } from '../builder/helpers/build-engine.js';
import type { RunResult } from '../../helpers/daemon.js';

const opts = buildTestOptions();
let engine: BuildEngine;
let docker = false;
const name = `berth-commit-${randomBytes(4).toString('hex')}`;
const tag = `berth-test/commit-diff:${randomBytes(4).toString('hex')}`;

before(async () => {
  if (opts.skip) return;
  docker = await dockerEngineAnswers();
  if (!docker) return;
  engine = await startBuildEngine();
  await shareBaseWithDockerEngine(engine);
});
after(async () => {
  if (docker && engine) {
    await dockerEngine(['rm', '-f', name]);
    await removeFromDockerEngine([], [tag, engine.base]);
  }
  await engine?.dispose();
});

type Inspect = Record<string, any>;

/** The same commit on one engine: run, commit, inspect, history, the new layer's entry names. */
async function commitOn(run: (args: string[]) => Promise<RunResult>): Promise<{ image: Inspect; history: string[] }> {
  const r = await run(['run', '--network', 'none', '--name', name, '-e', 'FOO=bar', '-w', '/srv', engine.base, 'sh', '-c',
    'echo hi > /hello; rm -f /bin/zcat; mkdir -p /d/e; touch /d/e/x; rm -rf /home; mkdir /home; echo again > /home/f']);
  assert.equal(r.code, 0, r.stderr);
  const c = await run(['commit', '-a', 'Me <me@x>', '-m', 'saved by hand', '-c', 'ENV A=b', '-c', 'CMD ["sh"]', '-c', 'EXPOSE 8080/udp',
    '-c', 'LABEL k=v', '-c', 'USER 1:1', '-c', 'VOLUME /data', '-c', 'ENTRYPOINT ["/bin/sh", "-c"]', name, tag]);
  assert.equal(c.code, 0, c.stderr);
  const image = (JSON.parse((await run(['image', 'inspect', tag])).stdout) as Inspect[])[0];
  const history = (await run(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', tag])).stdout.trim().split('\n');
  assert.equal((await run(['rm', name])).code, 0);
  return { image, history };
}

test('docker commit: the same image record as Docker Engine 20.10', opts, async (t) => {
  if (!docker) {
    if (inCI) assert.fail('Docker Engine does not answer on /var/run/docker.sock (CI starts dockerd for these tests)');
    t.skip('Docker Engine does not answer on /var/run/docker.sock');
    return;
  }
  const b = await commitOn((args) => engine.docker(args));
  const d = await commitOn((args) => dockerEngine(args));
  for (const field of ['Author', 'Comment', 'Architecture', 'Os'] as const) assert.deepEqual(b.image[field], d.image[field], field);
  const pick = (c: Inspect): Inspect => ({ ...c, Hostname: '', Image: '' });
  assert.deepEqual(pick(b.image.Config), pick(d.image.Config), 'Config');
  for (const k of ['Cmd', 'Env', 'WorkingDir', 'Entrypoint', 'User', 'Labels']) assert.deepEqual(b.image.ContainerConfig[k], d.image.ContainerConfig[k], `ContainerConfig.${k}`);
  assert.equal(b.image.RootFS.Layers.length, d.image.RootFS.Layers.length);
  assert.deepEqual(b.history[0], d.history[0], 'the new history entry');
  // What the new layer holds, seen from a container of each image.
  const names = async (run: (args: string[]) => Promise<RunResult>): Promise<string[]> => {
    // Through the committed ENTRYPOINT ["/bin/sh", "-c"].
    const r = await run(['run', '--rm', '--network', 'none', '-u', '0', tag, 'cat /hello /home/f; test -e /bin/zcat || echo gone; ls /d/e']);
    return r.stdout.split('\n');
  };
  assert.deepEqual(await names((args) => engine.docker(args)), await names((args) => dockerEngine(args)));
});
