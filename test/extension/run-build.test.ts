// run-build's three routes against stand-ins: Berth's engine (the secret and ssh headers, the query),
// Docker Engine through a fake docker CLI (its arguments, DOCKER_HOST, the temporary DOCKER_CONFIG with
// Berth's logins, a missing buildx), and Podman (no secrets through its API).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import Dockerode from 'dockerode';
import { defaultOptions, type BuildOptions } from '../../extension/image-build/build-options.js';
import { BuildFailure, routeFor, runBuild, type BuildDeps } from '../../extension/image-build/run-build.js';
import type { AuthConfig } from '../../extension/registry/auth-config.js';
import { FakeEngine } from './fake-engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-run-build-'));
const engine = new FakeEngine(path.join(dir, 'engine.sock'), 'Berth Engine');
const app = path.join(dir, 'app');
const DOCKERFILE = 'FROM busybox:latest AS base\nARG GREETING\nRUN --mount=type=secret,id=tok cat /run/secrets/tok\nFROM base\nRUN exit 3\n';

before(async () => {
  await engine.start();
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'Dockerfile'), DOCKERFILE);
  fs.writeFileSync(path.join(app, 'tok.txt'), 'file-secret');
});
after(async () => {
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function deps(product: string, extra: Partial<BuildDeps> = {}, logins: Map<string, AuthConfig> = new Map()): BuildDeps {
  return {
    docker: new Dockerode({ socketPath: engine.socketPath }),
    engine: { product, os: 'linux', dockerHost: `unix://${engine.socketPath}` },
    dockerCli: 'docker',
    env: { PATH: process.env.PATH, TOK: 'env-secret', SSH_AUTH_SOCK: '/run/agent.sock' },
    credentials: {
      berthLogins: async () => logins.size,
      all: async () => logins,
      registryConfig: async () => ({ base64: 'e30=' }),
      dockerConfigDir: path.join(dir, 'no-docker-config'),
    },
    ...extra,
  };
}

const opts = (o: Partial<BuildOptions>): BuildOptions => ({ ...defaultOptions('app:1'), ...o });
const request = (o: Partial<BuildOptions>) => ({ dockerfile: path.join(app, 'Dockerfile'), source: DOCKERFILE, options: opts(o) });
const sink = () => {
  const out = { text: '', steps: [] as string[] };
  return { out, sink: { text: (t: string) => void (out.text += t), step: (s: string) => void out.steps.push(s) } };
};

test('routes: Berth by API with headers, Docker Engine on Linux through BuildKit, others by the legacy API', () => {
  assert.equal(routeFor({ product: 'Berth', os: 'linux' }), 'berth');
  assert.equal(routeFor({ product: 'Docker Engine', os: 'linux' }), 'buildkit');
  assert.equal(routeFor({ product: 'Docker Engine', os: 'windows' }), 'engine-api');
  assert.equal(routeFor({ product: 'Podman', os: 'linux' }), 'engine-api');
});

test("Berth's engine: options in the query, secrets and ssh in X-Berth-Build-* headers, logins in X-Registry-Config", async () => {
  const { out, sink: s } = sink();
  const r = await runBuild(deps('Berth'), request({
    target: 'base', buildArgs: { GREETING: 'hi' }, noCache: true, pull: true, platform: 'linux/amd64',
    secrets: [{ id: 'tok', env: 'TOK' }, { id: 'file', src: 'tok.txt' }], ssh: ['default'],
  }), s);
  assert.equal(r.route, 'berth');
  assert.equal(r.imageId, 'sha256:' + 'ab'.repeat(32));
  const b = engine.builds.at(-1)!;
  assert.equal(b.query.get('t'), 'app:1');
  assert.equal(b.query.get('dockerfile'), 'Dockerfile');
  assert.deepEqual(JSON.parse(b.query.get('buildargs')!), { GREETING: 'hi' });
  assert.equal(b.query.get('target'), 'base');
  assert.equal(b.query.get('nocache'), 'true');
  assert.equal(b.query.get('pull'), 'true');
  assert.equal(b.query.get('platform'), 'linux/amd64');
  const decode = (h: unknown): Record<string, string> => JSON.parse(Buffer.from(String(h), 'base64').toString());
  const secrets = decode(b.headers['x-berth-build-secrets']);
  assert.deepEqual(Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])), { tok: 'env-secret', file: 'file-secret' });
  assert.deepEqual(decode(b.headers['x-berth-build-ssh']), { default: '/run/agent.sock' });
  assert.equal(b.headers['x-registry-config'], 'e30=');
  assert.ok(b.contextBytes > 0);
  assert.deepEqual(out.steps, ['Step 1/1: FROM busybox']);
  assert.match(out.text, /Options: target base; build args GREETING; secrets tok, file; ssh default; platform linux\/amd64; no cache; pull/);
  assert.ok(!out.text.includes('env-secret') && !out.text.includes('file-secret'), 'no secret value in the output');
});

test('a failure in the stream points at the line of the step that failed', async () => {
  engine.buildReply = [{ stream: 'Step 1/4 : FROM busybox:latest AS base\n' }, { stream: 'Step 4/4 : RUN exit 3\n' }, { errorDetail: { message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, error: 'x' }];
  try {
    await assert.rejects(runBuild(deps('Berth'), request({}), sink().sink), (err: unknown) => {
      assert.ok(err instanceof BuildFailure);
      assert.match(err.message, /returned a non-zero code: 3/);
      assert.equal(err.line, 4);
      return true;
    });
  } finally {
    engine.buildReply = [{ aux: { ID: 'sha256:1' } }];
  }
});

test('bad options and missing secrets fail before anything is sent', async () => {
  const before = engine.builds.length;
  await assert.rejects(runBuild(deps('Berth'), request({ target: 'nope' }), sink().sink), /no stage "nope" \(its stages: base\)/);
  await assert.rejects(runBuild(deps('Berth'), request({ secrets: [{ id: 'x', env: 'UNSET_VAR' }] }), sink().sink), /Secret "x" comes from the environment variable UNSET_VAR/);
  await assert.rejects(runBuild(deps('Berth'), request({ context: 'missing' }), sink().sink), /context folder .*missing does not exist/);
  await assert.rejects(runBuild(deps('Podman'), request({ secrets: [{ id: 'tok', env: 'TOK' }] }), sink().sink), /Podman's build API cannot receive build secrets/);
  assert.equal(engine.builds.length, before);
});

/** A docker CLI stand-in: records its arguments and environment, prints BuildKit-like output. */
function fakeCli(name: string, behaviour: { version: string; buildx: boolean; fail?: boolean }): string {
  const bin = path.join(dir, name);
  fs.writeFileSync(bin, `#!/bin/sh
if [ "$1" = "--version" ]; then echo "Docker version ${behaviour.version}, build abc"; exit 0; fi
if [ "$1" = "buildx" ] && [ "$2" = "version" ]; then ${behaviour.buildx ? 'echo "github.com/docker/buildx v0.12.0"; exit 0' : 'echo "docker: unknown command: docker buildx" >&2; exit 1'}; fi
printf '%s\\n' "$@" > ${bin}.args
echo "DOCKER_HOST=$DOCKER_HOST DOCKER_BUILDKIT=$DOCKER_BUILDKIT" > ${bin}.env
[ -n "$DOCKER_CONFIG" ] && cat "$DOCKER_CONFIG/config.json" > ${bin}.config
echo "#5 [base 2/2] RUN --mount=type=secret,id=tok cat /run/secrets/tok" >&2
${behaviour.fail ? `echo "#6 [stage-1 1/1] RUN exit 3" >&2
echo "#6 ERROR: executor failed running [/bin/sh -c exit 3]: exit code: 3" >&2
exit 1` : `while [ $# -gt 0 ]; do if [ "$1" = "--iidfile" ]; then echo sha256:feed > "$2"; fi; shift; done
exit 0`}
`, { mode: 0o755 });
  return bin;
}

test('Docker Engine: `docker buildx build` with DOCKER_HOST, secrets by reference, and Berth\'s logins in a temporary DOCKER_CONFIG', async () => {
  const cli = fakeCli('docker-buildx', { version: '28.0.1', buildx: true });
  const logins = new Map<string, AuthConfig>([['127.0.0.1:5000', { username: 'u', password: 'p' }]]);
  const { out, sink: s } = sink();
  const r = await runBuild(deps('Docker Engine', { dockerCli: cli }, logins), request({ buildArgs: { GREETING: 'hi' }, secrets: [{ id: 'tok', env: 'TOK' }, { id: 'file', src: 'tok.txt' }], target: 'base', noCache: true }), s);
  assert.deepEqual(r, { imageId: 'sha256:feed', route: 'buildkit' });
  const args = fs.readFileSync(`${cli}.args`, 'utf8').trim().split('\n');
  assert.deepEqual(args.slice(0, 4), ['buildx', 'build', '--load', '--progress=plain']);
  assert.ok(args.join(' ').includes(`--secret id=tok,env=TOK --secret id=file,src=${path.join(app, 'tok.txt')}`), args.join(' '));
  assert.ok(args.join(' ').includes('--build-arg GREETING=hi'));
  assert.ok(args.join(' ').includes('--target base --no-cache'));
  assert.equal(args.at(-1), app);
  assert.equal(fs.readFileSync(`${cli}.env`, 'utf8').trim(), `DOCKER_HOST=unix://${engine.socketPath} DOCKER_BUILDKIT=1`);
  assert.deepEqual(JSON.parse(fs.readFileSync(`${cli}.config`, 'utf8')), { auths: { '127.0.0.1:5000': { auth: Buffer.from('u:p').toString('base64') } } });
  assert.deepEqual(out.steps, ['[base 2/2] RUN --mount=type=secret,id=tok cat /run/secrets/tok']);
  assert.ok(!fs.readdirSync(os.tmpdir()).some((f) => f.startsWith('berth-docker-config-') && fs.existsSync(path.join(os.tmpdir(), f, 'config.json')) && fs.readFileSync(path.join(os.tmpdir(), f, 'config.json'), 'utf8').includes('"u:p"')), 'the temporary config is removed');
});

test('Docker Engine: a client before 23 builds with DOCKER_BUILDKIT=1 docker build; a failure names the step and its line', async () => {
  const cli = fakeCli('docker-2010', { version: '20.10.24+dfsg1', buildx: false, fail: true });
  await assert.rejects(runBuild(deps('Docker Engine', { dockerCli: cli }), request({}), sink().sink), (err: unknown) => {
    assert.ok(err instanceof BuildFailure);
    assert.equal(err.message, 'executor failed running [/bin/sh -c exit 3]: exit code: 3');
    assert.equal(err.line, 4);
    return true;
  });
  assert.equal(fs.readFileSync(`${cli}.args`, 'utf8').split('\n')[0], 'build');
});

test('Docker Engine without buildx: a build that needs BuildKit says what to install; one that does not falls back to the API', async () => {
  const cli = fakeCli('docker-28', { version: '28.0.1', buildx: false });
  await assert.rejects(runBuild(deps('Docker Engine', { dockerCli: cli }), request({ secrets: [{ id: 'tok', env: 'TOK' }] }), sink().sink), /has no buildx plugin: install the buildx plugin \(Docker's apt repository: docker-buildx-plugin.*this build uses build secrets/);
  const plain = 'FROM busybox:latest\nRUN true\n';
  const { out, sink: s } = sink();
  const before = engine.builds.length;
  const r = await runBuild(deps('Docker Engine', { dockerCli: cli }), { dockerfile: path.join(app, 'Dockerfile'), source: plain, options: opts({}) }, s);
  assert.equal(r.route, 'engine-api');
  assert.equal(engine.builds.length, before + 1);
  assert.match(out.text, /Building with Docker Engine's legacy builder instead/);
  await assert.rejects(runBuild(deps('Docker Engine', { dockerCli: path.join(dir, 'no-such-docker') }), request({ ssh: ['default'] }), sink().sink), /"\S+no-such-docker" is not installed \(or not on PATH\)\. Install the docker CLI/);
});
