// Build Image's engine routes for real: the same Dockerfile, with a build arg, a target stage and a
// secret read by RUN --mount=type=secret, built by run-build.ts on Berth's engine (the secret in the
// X-Berth-Build-Secrets header) and on Docker Engine 20.10 through BuildKit (Debian's 20.10 client,
// /usr/bin/docker, as `DOCKER_BUILDKIT=1 docker build`). The secret must reach the step and stay out
// of the image's history; a wrong secret fails at its Dockerfile line.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Dockerode from 'dockerode';
import { defaultOptions, type BuildOptions } from '../../../extension/image-build/build-options.js';
import { BuildFailure, runBuild, type BuildDeps, type BuildRoute } from '../../../extension/image-build/run-build.js';
import { historyLines } from '../../../extension/images/history-lines.js';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { hasExecutable, isRoot, requireOrSkip } from '../../helpers/prereqs.js';
import { ensureBaseImage } from '../../e2e/engine-fixtures.js';

const DOCKER_SOCKET = '/var/run/docker.sock';
const CLI_2010 = '/usr/bin/docker';
const SECRET = 'value-that-must-not-leak-7f3a';
const prefix = `berth-ext-build-${process.pid}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ext-build-'));
const app = path.join(work, 'app');
fs.mkdirSync(app);
const DOCKERFILE = [
  'FROM busybox:latest AS base',
  'ARG GREETING=unset',
  'RUN test "$GREETING" = hi && echo "$GREETING" > /greeting',
  // Compared by digest, so the Dockerfile (which the history quotes) does not hold the secret itself.
  `RUN --mount=type=secret,id=token,required=true test "$(sha256sum < /run/secrets/token | cut -d' ' -f1)" = ${createHash('sha256').update(SECRET).digest('hex')} && echo checked > /secret-checked`,
  'FROM base AS final',
  'RUN false',
].join('\n');
fs.writeFileSync(path.join(app, 'Dockerfile'), DOCKERFILE + '\n');
fs.writeFileSync(path.join(app, 'token.txt'), SECRET);
let daemon: TestDaemon | undefined;

after(async () => {
  await daemon?.stop();
  // Its bridge, iptables rules and cgroups (by the prefix startDaemon gave it) and its folder.
  await daemon?.cleanup();
  const docker = new Dockerode({ socketPath: DOCKER_SOCKET });
  for (const img of await docker.listImages().catch(() => [])) {
    for (const t of img.RepoTags ?? []) if (t.startsWith(prefix)) await docker.getImage(t).remove({ force: true }).catch(() => undefined);
  }
  fs.rmSync(work, { recursive: true, force: true });
});

function deps(docker: Dockerode, product: string, dockerHost: string): BuildDeps {
  return {
    docker,
    engine: { product, os: 'linux', dockerHost },
    dockerCli: CLI_2010,
    env: { ...process.env, BERTH_TEST_TOKEN: SECRET },
    credentials: { berthLogins: async () => 0, all: async () => new Map(), registryConfig: async () => ({ base64: 'e30=' }), dockerConfigDir: path.join(work, 'docker-config') },
  };
}

async function buildBoth(d: BuildDeps, route: BuildRoute, tag: string): Promise<void> {
  const options = (o: Partial<BuildOptions>): BuildOptions => ({ ...defaultOptions(tag), target: 'base', buildArgs: { GREETING: 'hi' }, ...o });
  const req = (o: Partial<BuildOptions>) => ({ dockerfile: path.join(app, 'Dockerfile'), source: DOCKERFILE, options: options(o) });
  const text: string[] = [];
  const steps: string[] = [];
  const sink = { text: (t: string) => void text.push(t), step: (s: string) => void steps.push(s) };
  // The secret from a file, then from an environment variable.
  const r = await runBuild(d, req({ secrets: [{ id: 'token', src: 'token.txt' }] }), sink);
  assert.equal(r.route, route);
  assert.ok(r.imageId, 'the build names its image');
  const again = await runBuild(d, req({ secrets: [{ id: 'token', env: 'BERTH_TEST_TOKEN' }], noCache: true }), sink);
  assert.ok(again.imageId);
  assert.ok(steps.some((s) => /RUN --mount=type=secret,id=token/.test(s)), `steps: ${steps.join(' | ')}`);
  const entries = (await d.docker.getImage(tag).history()) as { CreatedBy: string }[];
  const history = JSON.stringify(entries);
  // Show Image History's links: the newest entries are the base stage's RUN, RUN and ARG lines.
  assert.deepEqual(historyLines(entries.map((h) => h.CreatedBy), DOCKERFILE, 'base').slice(0, 4), [3, 2, 1, undefined], JSON.stringify(entries.map((h) => h.CreatedBy)));
  assert.ok(!history.includes(SECRET), 'the secret is in no history entry');
  assert.ok(!text.join('').includes(SECRET), 'the secret is not in the output');
  // A wrong secret fails the step, at its line (0-based 3).
  fs.writeFileSync(path.join(work, 'wrong.txt'), 'wrong');
  await assert.rejects(runBuild(d, req({ secrets: [{ id: 'token', src: path.join(work, 'wrong.txt') }], noCache: true }), sink), (err: unknown) => {
    assert.ok(err instanceof BuildFailure, String(err));
    assert.equal(err.line, 3, err.message);
    return true;
  });
  // Without the target, the last stage's `RUN false` fails at line 5.
  await assert.rejects(runBuild(d, req({ target: undefined, secrets: [{ id: 'token', src: 'token.txt' }] }), sink), (err: unknown) => err instanceof BuildFailure && err.line === 5);
}

test("Berth's engine: build arg, target and a secret through X-Berth-Build-Secrets", { timeout: 5 * 60_000 }, async (t) => {
  if (!requireOrSkip(t, isRoot && (hasExecutable('/usr/sbin/runc') || hasExecutable('/usr/bin/runc')), 'root and runc for the bundled engine')) return;
  daemon = await startDaemon();
  await importBusybox(daemon);
  await buildBoth(deps(daemon.client, 'Berth', daemon.dockerHost), 'berth', `${prefix}-berth:1`);
});

test('Docker Engine 20.10: the same build through BuildKit with DOCKER_BUILDKIT=1 /usr/bin/docker build', { timeout: 5 * 60_000 }, async (t) => {
  const docker = new Dockerode({ socketPath: DOCKER_SOCKET });
  const answers = await docker.ping().then(() => true, () => false);
  if (!requireOrSkip(t, answers && hasExecutable(CLI_2010), `Docker Engine at ${DOCKER_SOCKET} and its 20.10 client ${CLI_2010}`)) return;
  await ensureBaseImage(DOCKER_SOCKET);
  await buildBoth(deps(docker, 'Docker Engine', `unix://${DOCKER_SOCKET}`), 'buildkit', `${prefix}-docker:1`);
});
