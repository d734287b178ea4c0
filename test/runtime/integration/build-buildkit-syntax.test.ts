// BuildKit Dockerfile syntax in the bundled builder that Docker Engine 20.10's BuildKit does not have
// (so no differential here): COPY --parents/--exclude, RUN --mount=type=ssh, the step cache keyed on
// the mount flags, ADD --checksum, # syntax= and # check= directives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestOptions, startBuildEngine, type BuildEngine } from '../builder/helpers/build-engine.js';
import { contextTar, postBuild, type ContextFile } from '../builder/helpers/build-request.js';
import { snapshotImage } from '../builder/helpers/image-snapshot.js';
import { buildSecretsHeaders } from '../../../runtime/builder/mounts/build-secrets.js';

const opts = buildTestOptions();
let engine: BuildEngine;
let http: Server;
let agent: NetServer;
let port = 0;
const work = mkdtempSync(join(tmpdir(), 'berth-bk-syntax-'));
const agentPath = join(work, 'agent.sock');
const PAYLOAD = 'downloaded payload\n';

before(async () => {
  if (opts.skip) return;
  engine = await startBuildEngine();
  http = createServer((_req, res) => res.end(PAYLOAD));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  port = (http.address() as { port: number }).port;
  // A stand-in ssh-agent: answers every connection with one line.
  agent = createNetServer((c) => c.end('agent says hi\n'));
  await new Promise<void>((r) => agent.listen(agentPath, r));
});
after(async () => {
  http?.close();
  agent?.close();
  await engine?.dispose();
  rmSync(work, { recursive: true, force: true });
});

function build(dockerfile: string, files: ContextFile[] = [], headers: Record<string, string> = {}, query: Record<string, string> = {}) {
  const tag = `berth-test/bk-syntax:${process.pid}`;
  return contextTar([{ name: 'Dockerfile', content: `ARG BASE\nFROM $BASE\n${dockerfile}` }, ...files])
    .then((tar) => postBuild(engine.socket, { t: tag, buildargs: JSON.stringify({ BASE: engine.base }), ...query }, tar, headers))
    .then((r) => ({ ...r, tag }));
}

test('COPY --parents keeps source paths (from the root or a /./ pivot); COPY --exclude leaves matches out', opts, async () => {
  const files: ContextFile[] = [
    { name: 'a/b/c.txt', content: 'c' }, { name: 'packages/p1/package.json', content: '1' }, { name: 'packages/p2/package.json', content: '2' },
    { name: 'packages/p2/index.js', content: 'x' }, { name: 'x/y.txt', content: 'y' },
    { name: 'docs/a.md', content: 'a' }, { name: 'docs/keep.txt', content: 'k' }, { name: 'docs/sub/skip', content: 's' }, { name: 'docs/sub/b.txt', content: 'b' },
    { name: 'top.md', content: 't' }, { name: 'top.txt', content: 't' },
  ];
  const r = await build([
    'COPY --parents a/b/c.txt packages/*/package.json /out/',
    'COPY --parents ./x/./y.txt /pivot/',
    'COPY --exclude=*.md --exclude=**/skip docs/ /docs/',
    'COPY --exclude=*.md top.* /tops/',
    '',
  ].join('\n'), files);
  assert.equal(r.error, undefined, r.text);
  const s = await snapshotImage(engine.host, r.tag);
  const under = (dir: string): string[] => [...s.files.keys()].filter((k) => k.startsWith(`${dir}/`)).sort();
  assert.deepEqual(under('out'), ['out/a', 'out/a/b', 'out/a/b/c.txt', 'out/packages', 'out/packages/p1', 'out/packages/p1/package.json', 'out/packages/p2', 'out/packages/p2/package.json']);
  assert.deepEqual(under('pivot'), ['pivot/y.txt']);
  assert.deepEqual(under('docs'), ['docs/keep.txt', 'docs/sub', 'docs/sub/b.txt']);
  assert.deepEqual(under('tops'), ['tops/top.txt']);
});

test('RUN --mount=type=ssh: a socket at SSH_AUTH_SOCK with the mode asked for; nothing stays in the layer', opts, async () => {
  const ssh = buildSecretsHeaders({}, { default: agentPath });
  const r = await build('RUN --mount=type=ssh,mode=0660 test -S "$SSH_AUTH_SOCK" && stat -c %a "$SSH_AUTH_SOCK" > /ssh-mode && echo "$SSH_AUTH_SOCK" > /ssh-path\n', [], ssh);
  assert.equal(r.error, undefined, r.text);
  const s = await snapshotImage(engine.host, r.tag);
  const sha = (t: string): string => createHash('sha256').update(t).digest('hex');
  assert.equal(s.files.get('ssh-mode')?.sha256, sha('660\n'));
  assert.equal(s.files.get('ssh-path')?.sha256, sha('/run/buildkit/ssh_agent.0\n'));
  assert.equal(s.files.has('run/buildkit/ssh_agent.0'), false);
  const missing = await build('RUN --mount=type=ssh,required true\n', [], {}, { nocache: '1' });
  assert.match(missing.error ?? '', /^Dockerfile line 3: RUN --mount=type=ssh,required: ssh agent "default" is required/);
});

test('the step cache keys on the mount flags', opts, async () => {
  const a = await build('RUN --mount=type=tmpfs,target=/a echo one\n');
  assert.equal(a.error, undefined, a.text);
  const again = await build('RUN --mount=type=tmpfs,target=/a echo one\n');
  assert.match(again.text, /Using cache/);
  const other = await build('RUN --mount=type=tmpfs,target=/b echo one\n');
  assert.doesNotMatch(other.text, /Using cache/);
  const none = await build('RUN echo one\n');
  assert.doesNotMatch(none.text, /Using cache/);
});

test('ADD --checksum: the right digest passes, a wrong one fails the step', opts, async () => {
  const url = `http://127.0.0.1:${port}/payload.txt`;
  const good = `sha256:${createHash('sha256').update(PAYLOAD).digest('hex')}`;
  const ok = await build(`ADD --checksum=${good} ${url} /payload.txt\n`);
  assert.equal(ok.error, undefined, ok.text);
  const bad = await build(`ADD --checksum=sha256:${'0'.repeat(64)} ${url} /payload.txt\n`);
  assert.match(bad.error ?? '', /checksum|digest/i);
});

test('# syntax=docker/dockerfile and # check= are accepted; another frontend is refused by name', opts, async () => {
  const tar = (first: string) => contextTar([{ name: 'Dockerfile', content: `${first}\nARG BASE\nFROM $BASE\nRUN true\n` }]);
  const q = { buildargs: JSON.stringify({ BASE: engine.base }) };
  for (const ok of ['# syntax=docker/dockerfile:1', '# syntax=docker.io/docker/dockerfile:1.7-labs', '# check=skip=all']) {
    const r = await postBuild(engine.socket, q, await tar(ok));
    assert.equal(r.error, undefined, `${ok}: ${r.text}`);
  }
  const r = await postBuild(engine.socket, q, await tar('# syntax=example.com/frontend:2'));
  assert.match(r.error ?? '', /^Dockerfile line 1: the syntax directive names the frontend "example.com\/frontend:2"/);
});

test("the extension's buildImageWithSecrets (dockerode) carries a secret to a RUN --mount", opts, async () => {
  const { buildImageWithSecrets } = await import('../../../extension/image-build/build-secrets.js');
  const { Readable } = await import('node:stream');
  const tar = await contextTar([{ name: 'Dockerfile', content: 'ARG BASE\nFROM $BASE\nRUN --mount=type=secret,id=npmrc,required cat /run/secrets/npmrc | wc -c > /npmrc-bytes\n' }]);
  const tag = `berth-test/bk-ext-secret:${process.pid}`;
  const stream = await buildImageWithSecrets(engine.client, Readable.from([tar]), { t: tag, buildargs: JSON.stringify({ BASE: engine.base }) }, { secrets: { npmrc: 'token=abc' } });
  let out = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) out += chunk.toString();
  assert.doesNotMatch(out, /errorDetail/, out);
  const s = await snapshotImage(engine.host, tag);
  assert.equal(s.files.get('npmrc-bytes')?.sha256, createHash('sha256').update('9\n').digest('hex'));
});

test('ADD of a git repository: #ref, #ref:subdir, --keep-git-dir; the checkout leaves no temp folders', opts, async (t) => {
  const { execFileSync, spawn: spawnChild } = await import('node:child_process');
  const { mkdirSync, writeFileSync, readdirSync } = await import('node:fs');
  const repos = join(work, 'repos');
  const src = join(work, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  const g = (...a: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: src, encoding: 'utf8' });
  g('init', '--quiet', '-b', 'main');
  writeFileSync(join(src, 'version'), 'one\n');
  writeFileSync(join(src, 'sub', 'inner'), 'inner\n');
  g('add', '.');
  g('commit', '--quiet', '-m', 'one');
  g('tag', 'v1');
  writeFileSync(join(src, 'version'), 'two\n');
  g('commit', '--quiet', '-am', 'two');
  mkdirSync(repos);
  execFileSync('git', ['clone', '--quiet', '--bare', src, join(repos, 'repo.git')]);
  const gitPort = 20000 + (process.pid % 30000);
  const daemon = spawnChild('git', ['daemon', '--reuseaddr', '--export-all', `--base-path=${repos}`, '--listen=127.0.0.1', `--port=${gitPort}`, repos], { stdio: 'ignore' });
  t.after(() => { daemon.kill(); });
  // git daemon prints nothing when it is ready: wait until its port answers.
  const { connect } = await import('node:net');
  for (let ready = false; !ready;) {
    ready = await new Promise<boolean>((r) => connect(gitPort, '127.0.0.1').on('connect', function (this: import('node:net').Socket) { this.destroy(); r(true); }).on('error', () => r(false)));
    if (!ready) await new Promise((r) => setTimeout(r, 50));
  }
  const url = `git://127.0.0.1:${gitPort}/repo.git`;
  const tmpBefore = readdirSync(join(engine.root, 'tmp')).length;
  const r = await build(`ADD ${url}#v1 /tagged/\nADD ${url}#main:sub /sub/\nADD --keep-git-dir=true ${url} /withgit/\n`);
  assert.equal(r.error, undefined, r.text);
  const s = await snapshotImage(engine.host, r.tag);
  const sha = (x: string): string => createHash('sha256').update(x).digest('hex');
  assert.equal(s.files.get('tagged/version')?.sha256, sha('one\n'));
  assert.equal(s.files.has('tagged/.git'), false);
  assert.deepEqual([...s.files.keys()].filter((k) => k.startsWith('sub/')), ['sub/inner']);
  assert.equal(s.files.get('withgit/version')?.sha256, sha('two\n'));
  assert.equal(s.files.get('withgit/.git')?.type, 'directory');
  assert.equal(readdirSync(join(engine.root, 'tmp')).length, tmpBefore, 'no checkout left in the temp space');
  const missing = await build(`ADD ${url}#nope /x/\n`, [], {}, { nocache: '1' });
  assert.match(missing.error ?? '', /failed to clone git:\/\/127\.0\.0\.1:\d+\/repo\.git at nope/);
});

test('RUN --network=none|default|host: the step sees that network', opts, async () => {
  const { networkInterfaces } = await import('node:os');
  const list = "grep -o '^ *[a-z0-9]*:' /proc/net/dev | tr -d ' :' | sort";
  const r = await build(`RUN --network=none ${list} > /none\nRUN --network=default ${list} > /default\nRUN --network=host ${list} > /host\n`);
  assert.equal(r.error, undefined, r.text);
  const { stdout } = await engine.docker(['run', '--rm', r.tag, 'sh', '-c', 'echo none: $(cat /none); echo default: $(cat /default); echo host: $(cat /host)']);
  assert.match(stdout, /^none: lo$/m);
  assert.match(stdout, /^default: eth0 lo$/m);
  const hostIface = Object.keys(networkInterfaces()).find((n) => n !== 'lo') ?? 'lo';
  assert.match(stdout, new RegExp(`^host: .*\\b${hostIface}\\b`, 'm'));
});

test('cache mounts outlive a daemon killed with -9', opts, async () => {
  const dockerfile = (v: string): string => `RUN --mount=type=cache,target=/c,id=restart-${process.pid} echo ${v} >> /c/log && cat /c/log > /seen\n`;
  const a = await build(dockerfile('a'));
  assert.equal(a.error, undefined, a.text);
  await engine.stop('SIGKILL');
  await engine.restart();
  const b = await build(dockerfile('b'));
  assert.equal(b.error, undefined, b.text);
  const s = await snapshotImage(engine.host, b.tag);
  assert.equal(s.files.get('seen')?.sha256, createHash('sha256').update('a\nb\n').digest('hex'));
});

test('RUN --security=insecure runs privileged on an engine started with --allow-insecure-entitlement security.insecure', opts, async () => {
  const insecure = await startBuildEngine(['--allow-insecure-entitlement', 'security.insecure']);
  try {
    const dockerfile = `FROM ${insecure.base}\nRUN --security=insecure mkdir /m && mount -t tmpfs none /m && umount /m && echo privileged > /done\n`;
    const r = await postBuild(insecure.socket, { t: `berth-test/insecure:${process.pid}` }, await contextTar([{ name: 'Dockerfile', content: dockerfile }]));
    assert.equal(r.error, undefined, r.text);
    // The same step on an engine without the entitlement is refused (the default engine of this file).
    const refused = await postBuild(engine.socket, {}, await contextTar([{ name: 'Dockerfile', content: dockerfile.replace(insecure.base, engine.base) }]));
    assert.match(refused.error ?? '', /^Dockerfile line 2: RUN --security=insecure is not allowed/);
  } finally {
    await insecure.dispose();
  }
});
