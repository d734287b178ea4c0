// Compose Logs' terminal: every container of the project prefixed, and a container that starts later
// (learnt of from the engine's events) followed too.
import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import * as lib from '../../extension/compose/compose-lib.js';
import { ComposeLogTerminal } from '../../extension/terminals/compose-log-terminal.js';
import { FakeEngine } from '../compose/fake-engine.js';
import { load } from '../compose/model-fixture.js';

const until = async (what: string, ok: () => boolean): Promise<void> => {
  for (const end = Date.now() + 5000; !ok(); await new Promise((r) => setTimeout(r, 10))) if (Date.now() > end) assert.fail(what);
};

test('Compose Logs prefixes each container\'s lines and follows a container that starts later', async () => {
  const r = load({ 'compose.yaml': 'name: shop\nservices:\n  web:\n    image: busybox\n  db:\n    image: busybox\n' });
  if (!r.ok) assert.fail(r.problem.message);
  const engine = new FakeEngine();
  engine.addImage('busybox');
  await lib.up(engine, r.project, { services: ['db'], build: false, forceRecreate: false, noRecreate: false, removeOrphans: false, noDeps: false, wait: false, start: true }, { progress: () => undefined, warn: () => undefined, buildLog: () => undefined, pullLog: () => undefined });
  const events = new EventEmitter();
  const pty = new ComposeLogTerminal({ lib, engine, project: 'shop', events });
  let text = '';
  pty.onDidWrite((t) => { text += t; });
  pty.open();
  await until(`db's line, got ${JSON.stringify(text)}`, () => text.includes('db-1'));
  assert.match(text, /db-1 {2}\| .*hello from shop-db-1\r\n/);

  // web comes up afterwards: its start event brings its log in.
  await lib.up(engine, r.project, { services: ['web'], build: false, forceRecreate: false, noRecreate: false, removeOrphans: false, noDeps: false, wait: false, start: true }, { progress: () => undefined, warn: () => undefined, buildLog: () => undefined, pullLog: () => undefined });
  const web = [...engine.containers.values()].find((c) => c.name === 'shop-web-1')!;
  events.emit('event', { Type: 'container', Action: 'start', Actor: { ID: web.id, Attributes: { name: 'shop-web-1', 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' } }, time: 1 });
  // Another project's container is not this terminal's.
  events.emit('event', { Type: 'container', Action: 'start', Actor: { ID: 'x'.repeat(64), Attributes: { name: 'other-web-1', 'com.docker.compose.project': 'other' } }, time: 1 });
  await until(`web's line, got ${JSON.stringify(text)}`, () => text.includes('hello from shop-web-1'));
  assert.doesNotMatch(text, /other-web-1/);
  pty.close();
  assert.equal(events.listenerCount('event'), 0, 'closing stops listening');
});
