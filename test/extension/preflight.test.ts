import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkBundledPrerequisites, findOnPath, hasSubordinateIds, kernelBefore511 } from '../../extension/engine/preflight.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('berth-preflight-');
const script = path.join(dir, 'runtime.js');
fs.writeFileSync(script, '');
const bin = path.join(dir, 'bin');
fs.mkdirSync(bin);

const alice = { name: 'alice', uid: 1001 };
const withIds = (file: string): string | undefined => (file === '/etc/subuid' || file === '/etc/subgid' ? 'alice:100000:65536\n' : undefined);
const noFiles = (): string | undefined => undefined;

test('not root, nothing installed: names each missing piece and one command that fixes them all', () => {
  const p = checkBundledPrerequisites({ tunUsable: () => true, isRoot: false, envPath: bin, runtimeScript: script, user: alice, readFile: noFiles });
  assert.ok(p);
  assert.match(p.message, /runs without root/);
  assert.match(p.message, /runc/);
  assert.match(p.message, /newuidmap and newgidmap \(package uidmap\)/);
  assert.match(p.message, /slirp4netns/);
  assert.match(p.message, /subordinate user and group ids for alice/);
  assert.deepEqual(p.waysOut.map((w) => w.action.kind), ['copy-command', 'use-docker', 'open-settings']);
  assert.deepEqual(p.waysOut[0].action, {
    kind: 'copy-command',
    command: 'sudo apt-get install -y runc uidmap slirp4netns && sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice',
  });
});

test('not root, user namespaces disabled: the sysctl command', () => {
  const read = (f: string): string | undefined => (f === '/proc/sys/kernel/unprivileged_userns_clone' ? '0\n' : withIds(f));
  const rootlessBin = fs.mkdtempSync(path.join(dir, 'rl-'));
  for (const t of ['runc', 'newuidmap', 'newgidmap', 'slirp4netns']) fs.writeFileSync(path.join(rootlessBin, t), '#!/bin/sh\n', { mode: 0o755 });
  const p = checkBundledPrerequisites({ tunUsable: () => true, isRoot: false, envPath: rootlessBin, runtimeScript: script, user: alice, readFile: read });
  assert.ok(p);
  assert.deepEqual(p.waysOut[0].action, { kind: 'copy-command', command: 'sudo sysctl -w kernel.unprivileged_userns_clone=1' });
});

test('not root, only the subordinate ids missing: just the usermod command', () => {
  const rootlessBin = fs.mkdtempSync(path.join(dir, 'rl-'));
  for (const t of ['runc', 'newuidmap', 'newgidmap', 'slirp4netns']) fs.writeFileSync(path.join(rootlessBin, t), '#!/bin/sh\n', { mode: 0o755 });
  const p = checkBundledPrerequisites({ tunUsable: () => true, isRoot: false, envPath: rootlessBin, runtimeScript: script, user: alice, readFile: (f) => (f === '/etc/subuid' ? 'alice:100000:65536\n' : 'bob:1:2\n') });
  assert.ok(p);
  assert.deepEqual(p.waysOut[0].action, { kind: 'copy-command', command: 'sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice' });
});

test('not root with everything in place: rootless mode can run', () => {
  const rootlessBin = fs.mkdtempSync(path.join(dir, 'rl-'));
  for (const t of ['runc', 'newuidmap', 'newgidmap', 'slirp4netns']) fs.writeFileSync(path.join(rootlessBin, t), '#!/bin/sh\n', { mode: 0o755 });
  assert.equal(checkBundledPrerequisites({ tunUsable: () => true, isRoot: false, envPath: rootlessBin, runtimeScript: script, user: alice, readFile: withIds }), undefined);
  // Ranges may name the user by uid.
  const byUid = (): string => '1001:100000:65536\n';
  assert.equal(checkBundledPrerequisites({ tunUsable: () => true, isRoot: false, envPath: rootlessBin, runtimeScript: script, user: alice, readFile: byUid }), undefined);
});

test('not root on a kernel before 5.11: fuse-overlayfs too, unless it is there', () => {
  const rootlessBin = fs.mkdtempSync(path.join(dir, 'rl-'));
  for (const t of ['runc', 'newuidmap', 'newgidmap', 'slirp4netns']) fs.writeFileSync(path.join(rootlessBin, t), '#!/bin/sh\n', { mode: 0o755 });
  const p = checkBundledPrerequisites({ tunUsable: () => true, isRoot: false, envPath: rootlessBin, runtimeScript: script, user: alice, readFile: withIds, kernelRelease: '5.10.0-28-amd64' });
  assert.ok(p);
  assert.match(p.message, /fuse-overlayfs \(kernel 5\.10\.0-28-amd64 cannot mount overlayfs in a user namespace\)/);
  assert.deepEqual(p.waysOut[0].action, { kind: 'copy-command', command: 'sudo apt-get install -y fuse-overlayfs' });
  fs.writeFileSync(path.join(rootlessBin, 'fuse-overlayfs'), '#!/bin/sh\n', { mode: 0o755 });
  assert.equal(checkBundledPrerequisites({ tunUsable: () => true, isRoot: false, envPath: rootlessBin, runtimeScript: script, user: alice, readFile: withIds, kernelRelease: '5.10.0-28-amd64' }), undefined);
  assert.equal(checkBundledPrerequisites({ tunUsable: () => true, isRoot: false, envPath: path.join(dir, 'none'), runtimeScript: script, user: alice, readFile: withIds, kernelRelease: '6.1.0' })?.message.includes('fuse-overlayfs'), false);
  assert.deepEqual(['4.19.0', '5.4.0-150', '5.10.0', '5.11.0', '6.1.0-18', 'x'].map(kernelBefore511), [true, true, true, false, false, false]);
});

test('hasSubordinateIds ignores empty ranges and other users', () => {
  assert.equal(hasSubordinateIds('alice:100000:0\nbob:1:5\n', alice), false);
  assert.equal(hasSubordinateIds(undefined, alice), false);
  assert.equal(hasSubordinateIds('alice:100000:65536', alice), true);
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

test('not root, /dev/net/tun closed to ordinary users: the chmod that Debian\'s udev would have made', () => {
  const rootlessBin = fs.mkdtempSync(path.join(dir, 'rl-'));
  for (const t of ['runc', 'newuidmap', 'newgidmap', 'slirp4netns']) fs.writeFileSync(path.join(rootlessBin, t), '#!/bin/sh\n', { mode: 0o755 });
  const p = checkBundledPrerequisites({ tunUsable: () => false, isRoot: false, envPath: rootlessBin, runtimeScript: script, user: alice, readFile: withIds });
  assert.ok(p);
  assert.match(p.message, /access to \/dev\/net\/tun/);
  assert.deepEqual(p.waysOut[0].action, { kind: 'copy-command', command: 'sudo chmod 0666 /dev/net/tun' });
});
