import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkBundledPrerequisites, findOnPath } from '../../extension/engine/preflight.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-preflight-'));
const script = path.join(dir, 'runtime.js');
fs.writeFileSync(script, '');
const bin = path.join(dir, 'bin');
fs.mkdirSync(bin);

test('not root: explains and offers Docker', () => {
  const p = checkBundledPrerequisites({ isRoot: false, envPath: bin, runtimeScript: script });
  assert.ok(p);
  assert.match(p.message, /needs root/);
  assert.deepEqual(p.waysOut.map((w) => w.action.kind), ['use-docker', 'open-settings']);
});

test('no runc or crun: offers the install command', () => {
  const p = checkBundledPrerequisites({ isRoot: true, envPath: bin, runtimeScript: script });
  assert.ok(p);
  assert.match(p.message, /runc or crun/);
  assert.deepEqual(p.waysOut[0].action, { kind: 'copy-command', command: 'sudo apt-get install -y runc' });
});

test('root with runc on PATH: nothing stands in the way', () => {
  fs.writeFileSync(path.join(bin, 'runc'), '#!/bin/sh\n', { mode: 0o755 });
  assert.equal(findOnPath('runc', bin), path.join(bin, 'runc'));
  assert.equal(checkBundledPrerequisites({ isRoot: true, envPath: bin, runtimeScript: script }), undefined);
});

test('a missing runtime bundle is reported', () => {
  const p = checkBundledPrerequisites({ isRoot: true, envPath: bin, runtimeScript: path.join(dir, 'nope.js') });
  assert.match(p?.message ?? '', /engine is missing from the extension/);
});
