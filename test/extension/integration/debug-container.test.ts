// The inner loop on the bundled engine with real builds: the scaffolded Dockerfiles build on berthd
// from stand-in base images (Debian's packages under the templates' image names), the container runs
// with the debugger listening on a published port (Node's inspector answers /json/version; debugpy
// answers a DAP `initialize`), a second build reuses the dependency steps, a debugger that never
// listens is reported with the port and the container's last log lines, and the container is removed.
// Builds go through image-build/run-build.ts, as Build Image and the berth-build task; a session's
// restart (DebugRun) rebuilds from the cache and replaces the container only when the image changed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type Dockerode from 'dockerode';
import { debugCommand } from '../../../extension/debug/debug-command';
import { resolveBerthDebug, type ResolvedBerthDebug } from '../../../extension/debug/debug-config';
import { buildDebugImage, hasAddOn } from '../../../extension/debug/debug-image';
import { DebugRun } from '../../../extension/debug/debug-run';
import type { BuildDeps } from '../../../extension/image-build/run-build';
import { debuggerFailureMessage, waitForDebugger } from '../../../extension/debug/debugger-probe';
import { localPortChecker } from '../../../extension/run/port-plan';
import { projectFacts } from '../../../extension/scaffold/detect';
import { scaffoldPlan } from '../../../extension/scaffold/scaffold-plan';
import { writePlannedFiles } from '../../../extension/scaffold/write-plan';
import { containerState, lastLogLines, removeContainer, startContainer } from '../../../extension/tasks/run-container';
import { withDebugger } from '../../../extension/run/run-debugger';
import { createBody, defaultRunOptions } from '../../../extension/run/run-options';
import { startDaemon, type TestDaemon } from '../../helpers/daemon';
import { hasExecutable, isRoot, requireOrSkip } from '../../helpers/prereqs';
import { ensureStandInImage, standInUnavailable, ensureStandInTar } from '../../helpers/stand-in-images';

const runc = hasExecutable('/usr/sbin/runc') || hasExecutable('/usr/bin/runc');
let daemon: TestDaemon | undefined;
const work = mkdtempSync(join(tmpdir(), 'berth-debug-it-'));
let standInProblem: string | undefined;

before(async () => {
  if (!isRoot || !runc) return;
  try {
    ensureStandInTar('node', (l) => console.log(`# ${l}`));
    ensureStandInTar('python', (l) => console.log(`# ${l}`));
  } catch (err) {
    standInProblem = (err as Error).message;
    return;
  }
  daemon = await startDaemon();
  await ensureStandInImage(daemon.socket, 'node');
  await ensureStandInImage(daemon.socket, 'python');
}, { timeout: 20 * 60_000 });

after(async () => {
  await daemon?.stop();
  await daemon?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function ready(t: import('node:test').TestContext): boolean {
  if (!requireOrSkip(t, isRoot && runc, 'root and runc (the bundled engine)')) return false;
  // Building the stand-ins needs debootstrap and the apt mirror: in CI a missing one fails.
  return requireOrSkip(t, !standInProblem && !!daemon, `stand-in base images: ${standInProblem ?? standInUnavailable() ?? 'daemon not started'}`);
}

async function scaffold(name: string, files: Record<string, string>, ecosystem: 'node' | 'python', port: number): Promise<string> {
  const dir = join(work, name);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const facts = await projectFacts(dir, ecosystem);
  const plan = scaffoldPlan(facts, { port, hostPort: port, compose: false, cacheMounts: true });
  await writePlannedFiles(dir, plan.files, async () => false);
  return dir;
}

/** The build path's dependencies for Berth's engine (its build API; no logins). */
function buildDeps(docker: Dockerode, socket: string): BuildDeps {
  return {
    docker,
    engine: { product: 'Berth', os: 'linux', dockerHost: `unix://${socket}` },
    dockerCli: 'docker',
    env: process.env,
    credentials: { berthLogins: async () => 0, all: async () => new Map(), registryConfig: async () => ({ base64: 'e30=' }), dockerConfigDir: join(work, 'docker-config') },
  };
}

function debugConfig(dir: string, raw: Record<string, unknown>): ResolvedBerthDebug {
  const r = resolveBerthDebug(raw, dir);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

/** Builds the folder's Dockerfile as `tag` the way a debug session does; the log's text. */
async function build(d: TestDaemon, dir: string, tag: string): Promise<string> {
  const log: string[] = [];
  await buildDebugImage(buildDeps(d.client, d.socket), debugConfig(dir, { platform: 'node', image: tag }), { text: (t) => log.push(t), step: () => undefined });
  return log.join('');
}

/** One DAP request over a fresh TCP connection; resolves with the first response. */
function dapRequest(port: number, command: string, args: object): Promise<{ success: boolean; command: string; body?: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no DAP response on ${port} within 20 s`)); }, 20_000);
    let buf = Buffer.alloc(0);
    socket.on('connect', () => {
      const body = JSON.stringify({ seq: 1, type: 'request', command, arguments: args });
      socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())?.[1]);
        if (buf.length < head + 4 + len) return;
        const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString()) as { type: string; success: boolean; command: string; body?: Record<string, unknown> };
        buf = buf.subarray(head + 4 + len);
        if (msg.type === 'response') {
          clearTimeout(timer);
          socket.destroy();
          resolve(msg);
          return;
        }
      }
    });
    socket.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

function list(v: string | string[] | null | undefined): string[] {
  return v == null ? [] : Array.isArray(v) ? v : [v];
}

async function assertGone(d: TestDaemon, id: string): Promise<void> {
  await assert.rejects(d.client.getContainer(id).inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
}

test('Python: the scaffolded Dockerfile builds, debugpy listens on the published port and answers initialize', { timeout: 15 * 60_000 }, async (t) => {
  if (!ready(t)) return;
  const d = daemon!;
  const dir = await scaffold('pyapp', {
    'requirements.txt': '',
    'app.py': 'from http.server import BaseHTTPRequestHandler, HTTPServer\n\nclass H(BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200)\n        self.end_headers()\n        self.wfile.write(b"hello")\n\nHTTPServer(("0.0.0.0", 8000), H).serve_forever()\n',
  }, 'python', 8000);
  await build(d, dir, 'pyapp:dev');
  // Berth asks before installing debugpy only when the image lacks it: this one has Debian's.
  assert.equal(await hasAddOn(d.client, 'pyapp:dev', 'debugpy'), true);
  assert.equal(await hasAddOn(d.client, 'node:20-bookworm-slim', 'debugpy'), false);
  const info = await d.client.getImage('pyapp:dev').inspect();
  const cmd = debugCommand('python', { entrypoint: list(info.Config.Entrypoint), cmd: list(info.Config.Cmd) }, 5678);
  assert.ok(typeof cmd !== 'string', String(cmd));
  assert.deepEqual(cmd.cmd, ['python', '-m', 'debugpy', '--listen', '0.0.0.0:5678', 'app.py']);
  const started = await startContainer(d.client, { image: 'pyapp:dev', name: 'berth-it-pyapp', purpose: 'debug', ports: [{ containerPort: 5678 }, { containerPort: 8000 }], entrypoint: cmd.entrypoint, cmd: cmd.cmd, env: cmd.env }, localPortChecker);
  try {
    const hostPort = started.published.get(5678)!;
    const probe = await waitForDebugger({ host: '127.0.0.1', port: hostPort, platform: 'python', timeoutMs: 60_000, stillRunning: () => containerState(d.client, started.id) });
    assert.deepEqual(probe, { ok: true }, (await lastLogLines(d.client, started.id, 20)).join('\n'));
    const res = await dapRequest(hostPort, 'initialize', { clientID: 'berth-test', adapterID: 'debugpy', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    assert.equal(res.command, 'initialize');
    assert.equal(res.success, true);
    assert.equal(typeof res.body?.supportsConfigurationDoneRequest, 'boolean');
  } finally {
    await removeContainer(d.client, started.id);
  }
  await assertGone(d, started.id);
});

test('Node: the scaffolded Dockerfile builds, the inspector answers, a second build reuses the dependency steps', { timeout: 15 * 60_000 }, async (t) => {
  if (!ready(t)) return;
  const d = daemon!;
  const server = "const http = require('node:http');\nhttp.createServer((req, res) => { res.end('hello ' + req.url); }).listen(Number(process.env.PORT) || 3000);\n";
  const dir = await scaffold('nodeapp', {
    'package.json': JSON.stringify({ name: 'nodeapp', version: '1.0.0', main: 'server.js' }),
    'package-lock.json': JSON.stringify({ name: 'nodeapp', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'nodeapp', version: '1.0.0' } } }),
    'server.js': server,
  }, 'node', 3000);
  await build(d, dir, 'nodeapp:dev');
  writeFileSync(join(dir, 'server.js'), `${server}// changed\n`);
  const text = await build(d, dir, 'nodeapp:dev');
  // The npm ci step (before the code is copied) comes from the cache; the code's COPY runs again.
  const npmStep = text.split(/\nStep /).find((s) => s.includes('npm ci'));
  assert.match(npmStep ?? '', /Using cache/, text);

  const info = await d.client.getImage('nodeapp:dev').inspect();
  const cmd = debugCommand('node', { entrypoint: list(info.Config.Entrypoint), cmd: list(info.Config.Cmd) }, 9229);
  assert.ok(typeof cmd !== 'string');
  const started = await startContainer(d.client, { image: 'nodeapp:dev', name: 'berth-it-nodeapp', purpose: 'debug', ports: [{ containerPort: 9229 }, { containerPort: 3000, hostPort: 3000 }], entrypoint: cmd.entrypoint, cmd: cmd.cmd, env: cmd.env }, localPortChecker);
  try {
    const probe = await waitForDebugger({ host: '127.0.0.1', port: started.published.get(9229)!, platform: 'node', timeoutMs: 60_000, stillRunning: () => containerState(d.client, started.id) });
    assert.deepEqual(probe, { ok: true }, (await lastLogLines(d.client, started.id, 20)).join('\n'));
    const app = started.published.get(3000)!;
    // The inspector listens before the script runs: the server may take a moment more.
    let body = '';
    for (let i = 0; i < 40 && !body; i++) {
      body = await fetch(`http://127.0.0.1:${app}/ping`).then((r) => r.text(), async () => {
        await new Promise((r) => setTimeout(r, 250));
        return '';
      });
    }
    assert.equal(body, 'hello /ping');
  } finally {
    await removeContainer(d.client, started.id);
  }
  await assertGone(d, started.id);
});

test('a debugger that never listens: the message names the port and the container\'s last log lines', { timeout: 5 * 60_000 }, async (t) => {
  if (!ready(t)) return;
  const d = daemon!;
  // Runs, but without --inspect: nothing answers on 9229.
  const silent = await startContainer(d.client, { image: 'node:20-bookworm-slim', name: 'berth-it-silent', purpose: 'debug', ports: [{ containerPort: 9229 }], cmd: ['node', '-e', "console.log('listening on nothing'); setInterval(() => {}, 1000)"] }, localPortChecker);
  try {
    const hostPort = silent.published.get(9229)!;
    const result = await waitForDebugger({ host: '127.0.0.1', port: hostPort, platform: 'node', timeoutMs: 3000, stillRunning: () => containerState(d.client, silent.id) });
    assert.deepEqual(result, { ok: false, reason: 'timeout' });
    if (result.ok) return;
    const message = debuggerFailureMessage({ platform: 'node', container: 'berth-it-silent', debugPort: 9229, hostPort, timeoutMs: 3000, result, lastLines: await lastLogLines(d.client, silent.id, 10) });
    assert.match(message, new RegExp(`did not answer on 127\\.0\\.0\\.1:${hostPort} \\(its port 9229\\) within 3 s\\. Its last log lines: listening on nothing`));
  } finally {
    await removeContainer(d.client, silent.id);
  }
  // Exits at once: reported as soon as it stops, with its exit code.
  const crash = await startContainer(d.client, { image: 'node:20-bookworm-slim', name: 'berth-it-crash', purpose: 'debug', ports: [{ containerPort: 9229 }], cmd: ['node', '-e', "console.error('Error: boom'); process.exit(3)"] }, localPortChecker);
  try {
    const result = await waitForDebugger({ host: '127.0.0.1', port: crash.published.get(9229)!, platform: 'node', timeoutMs: 60_000, stillRunning: () => containerState(d.client, crash.id) });
    assert.deepEqual(result, { ok: false, reason: 'exited', exitCode: 3 });
    if (result.ok) return;
    const message = debuggerFailureMessage({ platform: 'node', container: 'berth-it-crash', debugPort: 9229, hostPort: crash.published.get(9229)!, timeoutMs: 60_000, result, lastLines: await lastLogLines(d.client, crash.id, 10) });
    assert.match(message, /exited \(code 3\) before the Node\.js inspector listened on its port 9229.*Error: boom/);
  } finally {
    await removeContainer(d.client, crash.id);
  }
});

test('a wanted host port that is taken is replaced by a free one, and said so', { timeout: 5 * 60_000 }, async (t) => {
  if (!ready(t)) return;
  const d = daemon!;
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const taken = (srv.address() as net.AddressInfo).port;
  try {
    const c = await startContainer(d.client, { image: 'node:20-bookworm-slim', name: 'berth-it-port', purpose: 'task', ports: [{ containerPort: 3000, hostPort: taken }], cmd: ['node', '-e', 'setInterval(() => {}, 1000)'] }, localPortChecker);
    try {
      assert.equal(c.moved.length, 1);
      assert.equal(c.moved[0].wanted, taken);
      assert.notEqual(c.published.get(3000), taken);
      assert.equal(c.published.get(3000), c.moved[0].used);
    } finally {
      await removeContainer(d.client, c.id);
    }
  } finally {
    srv.close();
  }
});

test('the berth-run task\'s debug: the inspector listens on the published debug port of the container it starts', { timeout: 5 * 60_000 }, async (t) => {
  if (!ready(t)) return;
  const d = daemon!;
  const image = 'node:20-bookworm-slim';
  const body = createBody(image, { ...defaultRunOptions([]), name: 'berth-it-task-debug', command: 'node -e "setInterval(() => {}, 1000)"' }, work, [], process.env);
  const plan = await withDebugger(body, (await d.client.getImage(image).inspect()).Config ?? {}, 'node', undefined, localPortChecker);
  if (typeof plan === 'string') throw new Error(plan);
  const container = await d.client.createContainer(plan.body);
  await container.start();
  const probe = await waitForDebugger({ host: '127.0.0.1', port: plan.hostPort, platform: 'node', timeoutMs: 60_000, stillRunning: () => containerState(d.client, container.id) });
  assert.deepEqual(probe, { ok: true });
  await removeContainer(d.client, container.id);
  await assertGone(d, container.id);
});

/** GET until the app answers (it may start a moment after the debugger listens). */
async function get(port: number, path: string): Promise<string> {
  for (let i = 0; i < 80; i++) {
    const body = await fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.text(), () => undefined);
    if (body !== undefined) return body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`127.0.0.1:${port} never answered`);
}

test('a session restart: nothing changed keeps image and container (every step cached); an edit runs in a new container', { timeout: 15 * 60_000 }, async (t) => {
  if (!ready(t)) return;
  const d = daemon!;
  const server = "const http = require('node:http');\nhttp.createServer((req, res) => { res.end('first ' + req.url); }).listen(3000);\n";
  const dir = await scaffold('restartapp', {
    'package.json': JSON.stringify({ name: 'restartapp', version: '1.0.0', main: 'server.js' }),
    'package-lock.json': JSON.stringify({ name: 'restartapp', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'restartapp', version: '1.0.0' } } }),
    'server.js': server,
  }, 'node', 3000);
  const log: string[] = [];
  const progress: string[] = [];
  const run = new DebugRun(d.client, {
    build: buildDeps(d.client, d.socket),
    checker: localPortChecker,
    sink: { text: (x) => log.push(x), step: () => undefined },
    consent: async () => assert.fail('a node image needs no debugger added'),
  }, debugConfig(dir, { platform: 'node', image: 'restartapp:dev', appPort: 3000, attachTimeout: 60_000 }));
  run.progress = (m) => progress.push(m);
  try {
    const first = await run.start();
    assert.ok(first.debugHostPort && first.appHostPort);
    assert.equal(await get(first.appHostPort, '/a'), 'first /a');

    log.length = 0;
    const same = await run.restart(undefined);
    const text = log.join('');
    assert.equal(same.replaced, false, text);
    assert.equal(same.running.containerId, first.containerId);
    assert.equal(same.running.image.id, first.image.id);
    // The legacy builder's every step came from the cache: no step ran a command or copied anew.
    const steps = text.split(/\nStep /).slice(1);
    assert.ok(steps.length >= 5, text);
    for (const step of steps.filter((s) => !/^\d+\/\d+ : (FROM|ARG)\b/.test(s))) assert.match(step, /Using cache/, `a step ran again:\n${step}`);
    assert.match(text, /is unchanged .*keeps running/);
    assert.equal((await d.client.getContainer(first.containerId).inspect()).State.Running, true);

    writeFileSync(join(dir, 'server.js'), server.replace("'first '", "'second '"));
    log.length = 0;
    const edited = await run.restart(undefined);
    const text2 = log.join('');
    assert.equal(edited.replaced, true, text2);
    assert.notEqual(edited.running.containerId, first.containerId);
    assert.notEqual(edited.running.image.id, first.image.id);
    // Only what follows the changed file ran again: the dependency step is cached.
    assert.match(text2.split(/\nStep /).find((s) => s.includes('npm ci')) ?? '', /Using cache/, text2);
    assert.equal(edited.running.appHostPort, first.appHostPort, 'the new container keeps the app\'s host port');
    assert.equal(await get(edited.running.appHostPort!, '/b'), 'second /b');
    await assertGone(d, first.containerId);
  } finally {
    const id = run.current?.containerId;
    await run.stop();
    if (id) await assertGone(d, id);
  }
});
