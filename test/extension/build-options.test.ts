import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  checkSshSpec, coerceOptions, declaredArgs, defaultOptions, dockerfileStages, optionProblems, parseBuildArg, parseSecretSpec, secretIdsUsed, summarize,
} from '../../extension/image-build/build-options.js';
import { BuildOptionsMemory } from '../../extension/image-build/options-memory.js';
import { resolveSecrets } from '../../extension/image-build/secret-values.js';
import { BuildKitProgress, buildKitStepLine } from '../../extension/image-build/buildkit-progress.js';

const DOCKERFILE = [
  'ARG BASE=busybox', // 0
  'FROM ${BASE}:latest AS Build', // 1
  'ARG GREETING=hello', // 2
  'ARG NAME', // 3
  'WORKDIR /src', // 4
  'RUN --mount=type=secret,id=token,required=true cat /run/secrets/token', // 5
  'RUN --mount=type=secret,target=/run/secrets/npmrc true', // 6
  'FROM busybox:latest', // 7
  'ENV X=1', // 8
  'COPY --from=build /src /src', // 9
  'RUN exit 3', // 10
].join('\n');

test('secret specs as the docker CLI writes them; every mistake named', () => {
  assert.deepEqual(parseSecretSpec('id=token,env=TOKEN'), { id: 'token', env: 'TOKEN' });
  assert.deepEqual(parseSecretSpec('id=npmrc,src=~/.npmrc'), { id: 'npmrc', src: '~/.npmrc' });
  assert.deepEqual(parseSecretSpec('id=a,source=/f'), { id: 'a', src: '/f' });
  assert.deepEqual(parseSecretSpec('id=a,type=env,src=VAR'), { id: 'a', env: 'VAR' });
  assert.match(parseSecretSpec('env=X') as string, /has no id/);
  assert.match(parseSecretSpec('id=x') as string, /neither where its value comes from/);
  assert.match(parseSecretSpec('id=x,env=A,src=/b') as string, /both env and src/);
  assert.match(parseSecretSpec('id=x,value=1') as string, /unknown key "value"/);
  assert.match(parseSecretSpec('id=x,env=1BAD') as string, /not an environment variable name/);
  assert.match(parseSecretSpec('id=x y,env=A') as string, /may hold only/);
});

test('ssh specs, build args and platforms', () => {
  assert.equal(checkSshSpec('default'), undefined);
  assert.equal(checkSshSpec('github=/run/agent.sock'), undefined);
  assert.match(checkSshSpec('github') ?? '', /names no agent socket/);
  assert.match(checkSshSpec('x=relative.sock') ?? '', /absolute path/);
  assert.deepEqual(parseBuildArg('A=b=c', {}), ['A', 'b=c']);
  assert.deepEqual(parseBuildArg('HOME', { HOME: '/root' }), ['HOME', '/root']);
  assert.match(parseBuildArg('NOPE', {}) as string, /no value/);
  const o = { ...defaultOptions('x:latest'), platform: 'linux/amd64,linux/arm64/v8' };
  assert.deepEqual(optionProblems(o), []);
  assert.match(optionProblems({ ...o, platform: 'amd64' })[0], /not a platform/);
});

test('stages, declared args and secret ids read from the Dockerfile', () => {
  assert.deepEqual(dockerfileStages(DOCKERFILE).map((s) => [s.index, s.name, s.line, s.base]), [[0, 'build', 1, '${BASE}:latest'], [1, undefined, 7, 'busybox:latest']]);
  assert.deepEqual(declaredArgs(DOCKERFILE), [{ name: 'BASE', default: 'busybox' }, { name: 'GREETING', default: 'hello' }, { name: 'NAME', default: undefined }]);
  assert.deepEqual(secretIdsUsed(DOCKERFILE), ['token', 'npmrc']);
  const o = { ...defaultOptions('x:latest'), target: 'nope' };
  assert.match(optionProblems(o, dockerfileStages(DOCKERFILE))[0], /no stage "nope" \(its stages: build\)/);
  assert.deepEqual(optionProblems({ ...o, target: 'build' }, dockerfileStages(DOCKERFILE)), []);
});

test('summary and coercion of stored or task options: malformed parts dropped, never trusted', () => {
  const o = coerceOptions({ tag: 'app:1', buildArgs: { A: 1, B: 'x', C: { no: 1 } }, secrets: ['id=t,env=T', { id: 'f', src: 'f.txt' }, 'broken'], ssh: ['default', 3], noCache: 'yes', pull: true }, 'fallback:latest');
  assert.deepEqual(o, { tag: 'app:1', context: '.', target: undefined, buildArgs: { A: '1', B: 'x' }, secrets: [{ id: 't', env: 'T' }, { id: 'f', src: 'f.txt' }], ssh: ['default'], platform: undefined, noCache: false, pull: true });
  assert.equal(summarize(o), 'build args A, B; secrets t, f; ssh default; pull');
  assert.equal(coerceOptions(undefined, 'f:latest').tag, 'f:latest');
});

test('options are remembered per Dockerfile in workspace state, secrets as where they come from', async () => {
  const data = new Map<string, unknown>();
  const memory = new BuildOptionsMemory({ get: <T>(k: string) => data.get(k) as T, update: async (k, v) => void data.set(k, v) });
  assert.equal(memory.get('app/Dockerfile', 'app:latest'), undefined);
  await memory.set('app/Dockerfile', { ...defaultOptions('app:2'), secrets: [{ id: 't', env: 'T' }], buildArgs: { A: '1' } });
  await memory.set('other/Dockerfile', defaultOptions('other:latest'));
  assert.deepEqual(memory.get('app/Dockerfile', 'app:latest')?.secrets, [{ id: 't', env: 'T' }]);
  assert.equal(memory.get('app/Dockerfile', 'app:latest')?.tag, 'app:2');
  assert.ok(!JSON.stringify([...data.values()]).includes('value'));
});

test('secret values from the environment and files; a missing one names the secret, not a value', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-secrets-'));
  try {
    fs.writeFileSync(path.join(dir, 'f.txt'), 'from-file');
    const r = await resolveSecrets([{ id: 'e', env: 'TOK' }, { id: 'f', src: 'f.txt' }], ['default', 'gh=/run/gh.sock'], { TOK: 'from-env', SSH_AUTH_SOCK: '/run/agent' }, dir);
    assert.deepEqual(Object.fromEntries(Object.entries(r.secrets).map(([k, v]) => [k, v.toString()])), { e: 'from-env', f: 'from-file' });
    assert.deepEqual(r.ssh, { default: '/run/agent', gh: '/run/gh.sock' });
    await assert.rejects(resolveSecrets([{ id: 'e', env: 'NOT_SET' }], [], {}, dir), /Secret "e" comes from the environment variable NOT_SET, which is not set/);
    await assert.rejects(resolveSecrets([{ id: 'f', src: 'missing' }], [], {}, dir), new RegExp(`Secret "f" comes from the file ${dir}/missing, which does not exist`));
    await assert.rejects(resolveSecrets([], ['default'], {}, dir), /ssh "default" uses the ssh agent of SSH_AUTH_SOCK, which is not set/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("BuildKit's plain progress: steps, the failing vertex and its Dockerfile line", () => {
  const p = new BuildKitProgress();
  const lines = [
    '#1 [internal] load build definition from Dockerfile',
    '#4 [build 1/4] FROM docker.io/library/busybox:latest',
    '#5 [build 2/4] WORKDIR /src',
    '#6 [build 3/4] RUN --mount=type=secret,id=token,required=true cat /run/secrets/token',
    '#6 0.152 hi',
    '#6 [build 3/4] RUN --mount=type=secret,id=token,required=true cat /run/secrets/token',
    '#9 [stage-1 3/3] RUN exit 3',
    '#9 ERROR: executor failed running [/bin/sh -c exit 3]: exit code: 3',
    '------',
    'executor failed running [/bin/sh -c exit 3]: exit code: 3',
  ];
  const started = lines.map((l) => p.line(l)).filter(Boolean);
  assert.equal(started.length, 4, 'a step repeated in the output starts once');
  assert.deepEqual(p.failedStep, { stage: 'stage-1', n: 3, total: 3, text: 'RUN exit 3' });
  assert.equal(p.failureMessage(), 'executor failed running [/bin/sh -c exit 3]: exit code: 3');
  assert.equal(buildKitStepLine(DOCKERFILE, p.failedStep!), 10);
  assert.equal(buildKitStepLine(DOCKERFILE, { stage: 'build', n: 3, total: 4, text: 'RUN --mount=type=secret,id=token,required=true cat /run/secrets/token' }), 5);
  assert.equal(buildKitStepLine('FROM busybox\nENV A=1\nRUN false', { n: 2, total: 2, text: 'RUN false' }), 2);
  const cli = new BuildKitProgress();
  cli.line('ERROR: failed to solve: failed to read dockerfile: open Dockerfile: no such file');
  assert.equal(cli.failureMessage(), 'failed to solve: failed to read dockerfile: open Dockerfile: no such file');
});
