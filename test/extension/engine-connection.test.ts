import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { EngineConnection, type EngineEvent } from '../../extension/engine/engine-connection.js';
import type { EngineStatus } from '../../extension/engine/engine-status.js';
import { FakeEngine } from './fake-engine.js';
import { tempDir } from '../helpers/temp-dir.js';

function waitForState(c: EngineConnection, state: EngineStatus['state']): Promise<EngineStatus> {
  if (c.status.state === state) return Promise.resolve(c.status);
  return new Promise((resolve) => {
    const on = (s: EngineStatus): void => {
      if (s.state !== state) return;
      c.off('status', on);
      resolve(s);
    };
    c.on('status', on);
  });
}

test('connects to an engine on a socket, reads its identity, follows events, reconnects after a restart', { timeout: 20000 }, async () => {
  const dir = tempDir('berth-conn-');
  const socketPath = path.join(dir, 'engine.sock');
  const engine = new FakeEngine(socketPath);
  await engine.start();
  const log: string[] = [];
  const c = new EngineConnection({
    target: { kind: 'socket', socketPath },
    runtimeScript: '/nonexistent',
    nodePath: process.execPath,
    isRoot: true,
    log: (l) => log.push(l),
    // Long enough that the three events after the first surely fall into one window.
    debounceMs: 1000,
  });
  try {
    const s = await c.connect();
    assert.equal(s.state, 'running');
    assert.ok(s.state === 'running');
    assert.equal(s.info.product, 'Docker Engine');
    assert.equal(s.info.version, '20.10.24');
    assert.equal(s.info.apiVersion, '1.41');
    assert.equal(s.info.root, '/var/lib/fake');
    assert.equal(s.info.images, 7);
    assert.equal(engine.eventSubscriptions, 1);

    // The first event after a quiet spell goes out at once; the ones in the window after it, together.
    const first = once(c, 'resources');
    engine.emit({ Type: 'container', Action: 'start', Actor: { ID: 'a' } });
    const [firstBatch] = (await first) as [EngineEvent[]];
    assert.deepEqual(firstBatch.map((e) => e.Action), ['start']);
    const second = once(c, 'resources');
    engine.emit({ Type: 'container', Action: 'die', Actor: { ID: 'a' } });
    engine.emit({ Type: 'container', Action: 'destroy', Actor: { ID: 'a' } });
    engine.emit({ Type: 'image', Action: 'delete', Actor: { ID: 'i' } });
    const [secondBatch] = (await second) as [EngineEvent[]];
    assert.deepEqual(secondBatch.map((e) => e.Action), ['die', 'destroy', 'delete']);

    // The engine goes away: the view must say so, then find it again when it is back.
    const lost = waitForState(c, 'unreachable');
    await engine.stop();
    const u = await lost;
    assert.ok(u.state === 'unreachable');
    assert.match(u.reason, /lost|ECONNREFUSED|ENOENT/);
    const back = waitForState(c, 'running');
    await engine.start();
    await back;
    assert.equal(engine.eventSubscriptions, 2);
  } finally {
    await c.dispose();
    await engine.stop();
  }
});

test('an engine that is not there is reported unreachable with ways out', { timeout: 10000 }, async () => {
  const c = new EngineConnection({
    target: { kind: 'socket', socketPath: path.join(os.tmpdir(), `berth-missing-${process.pid}.sock`) },
    runtimeScript: '/nonexistent',
    nodePath: process.execPath,
    isRoot: true,
    log: () => {},
  });
  try {
    const s = await c.connect();
    assert.equal(s.state, 'unreachable');
    assert.ok(s.state === 'unreachable');
    assert.ok(s.waysOut.some((w) => w.action.kind === 'open-settings'));
  } finally {
    await c.dispose();
  }
});

test('without root the bundled engine is not started while rootless prerequisites are missing; the reason says which', { timeout: 10000 }, async () => {
  const dir = tempDir('berth-conn-');
  const script = path.join(dir, 'runtime.js');
  fs.writeFileSync(script, 'throw new Error("must not run")');
  const c = new EngineConnection({
    target: { kind: 'bundled', socketPath: path.join(dir, 'e.sock'), root: path.join(dir, 'root') },
    runtimeScript: script,
    nodePath: process.execPath,
    isRoot: false,
    log: () => {},
  });
  // An empty PATH: no runc, newuidmap or slirp4netns, whatever this machine has.
  const savedPath = process.env.PATH;
  process.env.PATH = path.join(dir, 'empty-bin');
  try {
    const s = await c.connect();
    assert.ok(s.state === 'unreachable');
    assert.match(s.reason, /runs without root.*lacks: .*newuidmap/);
    assert.equal(s.waysOut[0].action.kind, 'copy-command');
    assert.ok(s.waysOut.some((w) => w.action.kind === 'use-docker'));
  } finally {
    process.env.PATH = savedPath;
    await c.dispose();
  }
});

test('the bundled engine is started with the socket and root flags and reported running', { timeout: 15000 }, async () => {
  const dir = tempDir('berth-conn-');
  const socketPath = path.join(dir, 'e.sock');
  // A stand-in for dist/runtime.js: serves the fake engine on --socket and prints one ready line.
  const script = path.join(dir, 'runtime.mjs');
  const fakeModule = path.join(__dirname, 'fake-engine.ts');
  fs.writeFileSync(script, `
    const { FakeEngine } = await import(${JSON.stringify(fakeModule)});
    const socket = process.argv[process.argv.indexOf('--socket') + 1];
    const e = new FakeEngine(socket, 'Berth');
    await e.start();
    console.log('berthd ready on ' + socket);
    process.on('SIGTERM', async () => { await e.stop(); process.exit(0); });
  `);
  const binDir = path.join(dir, 'bin');
  fs.mkdirSync(binDir);
  fs.writeFileSync(path.join(binDir, 'runc'), '#!/bin/sh\n', { mode: 0o755 });
  const oldPath = process.env.PATH;
  process.env.PATH = `${binDir}:${oldPath}`;
  // The spawned stand-in is TypeScript-loading ESM; run it through tsx like the tests.
  const nodeWithTsx = path.join(dir, 'node-tsx.sh');
  fs.writeFileSync(nodeWithTsx, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --import tsx "$@"\n`, { mode: 0o755 });
  const c = new EngineConnection({
    target: { kind: 'bundled', socketPath, root: path.join(dir, 'root') },
    runtimeScript: script,
    nodePath: nodeWithTsx,
    isRoot: true,
    log: () => {},
  });
  try {
    const s = await c.connect();
    assert.ok(s.state === 'running', JSON.stringify(s));
    assert.equal(s.info.product, 'Berth');
    assert.equal(s.info.address, socketPath);
  } finally {
    process.env.PATH = oldPath;
    await c.dispose();
  }
  assert.equal(fs.existsSync(socketPath), false, 'the engine we started is stopped on dispose');
});
