import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineRows } from '../../extension/views/engine-rows.js';
import { productName } from '../../extension/engine/product-name.js';
import { isolationWarnings } from '../../extension/engine/engine-connection.js';

test('a running engine shows state, identity, API, socket and root', () => {
  const rows = engineRows({
    state: 'running',
    info: { product: 'Berth', version: '0.1.0', apiVersion: '1.41', os: 'linux', arch: 'amd64', address: '/run/berth/engine.sock', root: '/var/lib/berth', containers: 2, containersRunning: 1, images: 3, mode: 'root', limits: true },
  });
  const byLabel = Object.fromEntries(rows.map((r) => [r.label, r.description]));
  assert.equal(byLabel.State, 'running');
  assert.equal(byLabel.Engine, 'Berth 0.1.0');
  assert.equal(byLabel.API, '1.41');
  assert.equal(byLabel.Socket, '/run/berth/engine.sock');
  assert.equal(byLabel.Root, '/var/lib/berth');
  assert.equal(byLabel.Containers, '2 (1 running)');
  assert.equal(byLabel.Mode, 'root');
});

test('a rootless engine says so, and whether it can apply resource limits', () => {
  const info = { product: 'Berth', version: '0.1.0', apiVersion: '1.41', os: 'linux', arch: 'amd64', address: '/run/user/1000/berth/engine.sock', root: '/home/u/.local/share/berth', containers: 0, containersRunning: 0, images: 0, mode: 'rootless' as const };
  const mode = (limits: boolean) => engineRows({ state: 'running', info: { ...info, limits } }).find((r) => r.label === 'Mode')!;
  assert.equal(mode(true).description, 'rootless');
  assert.equal(mode(false).description, 'rootless, no resource limits');
  assert.match(mode(false).tooltip!, /user namespace.*cannot be applied.*warning/s);
});

test('an engine that gives each container its own user namespace says so in the Mode row', () => {
  const info = { product: 'Berth', version: '0.1.0', apiVersion: '1.41', os: 'linux', arch: 'amd64', address: '/s', root: '/r', containers: 0, containersRunning: 0, images: 0, mode: 'root' as const, limits: true, userns: true };
  const row = engineRows({ state: 'running', info }).find((r) => r.label === 'Mode')!;
  assert.equal(row.description, 'root, a user namespace per container');
  assert.match(row.tooltip!, /nobody in other containers/);
});

test('an unreachable engine shows why', () => {
  const rows = engineRows({ state: 'unreachable', address: '/x.sock', reason: 'connect ENOENT /x.sock', waysOut: [] });
  assert.equal(rows[0].description, 'unreachable');
  assert.equal(rows[1].description, 'connect ENOENT /x.sock');
});

test('product names from /version', () => {
  assert.equal(productName({ Platform: { Name: 'Berth' } }), 'Berth');
  assert.equal(productName({ Platform: { Name: 'Docker Engine - Community' } }), 'Docker Engine');
  assert.equal(productName({ Components: [{ Name: 'Podman Engine' }] }), 'Podman');
});

test('weaker isolation from /info Warnings is one Isolation row; other warnings are not', () => {
  const info = { product: 'Berth', version: '0.1.0', apiVersion: '1.41', os: 'linux', arch: 'amd64', address: '/s', root: '/r', containers: 0, containersRunning: 0, images: 0, mode: 'root' as const, limits: true };
  assert.equal(engineRows({ state: 'running', info }).find((r) => r.label === 'Isolation'), undefined);
  const warnings = isolationWarnings([
    'WARNING: No swap limit support',
    'WARNING: seccomp is not available (the OCI runtime runc was built without seccomp support): containers run without a seccomp profile',
    'WARNING: rootless mode without a delegated cgroup tree: containers run without memory, CPU and pids limits',
  ]);
  assert.equal(warnings.length, 2);
  const row = engineRows({ state: 'running', info: { ...info, isolationWarnings: warnings } }).find((r) => r.label === 'Isolation')!;
  assert.match(row.description, /^weaker than Docker's default: seccomp is not available .* \(\+1 more\)$/);
  assert.match(row.tooltip!, /seccomp is not available[^\n]*\nrootless mode without a delegated cgroup tree/);
  assert.deepEqual(isolationWarnings(null), []);
});
