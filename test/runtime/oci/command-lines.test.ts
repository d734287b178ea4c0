// The OCI runtime driver's command lines, per runtime: what runc and crun are asked to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeCommands } from '../../../runtime/oci/command-lines.js';
import { runtimeKind, runtimeQuirks } from '../../../runtime/oci/runtime-kind.js';

test('the runtime is recognised by its name, wrappers included; unknown names are runc-compatible', () => {
  assert.equal(runtimeKind('/usr/sbin/runc'), 'runc');
  assert.equal(runtimeKind('/usr/bin/crun'), 'crun');
  assert.equal(runtimeKind('/var/lib/berth/run/crun-hybrid/crun'), 'crun');
  assert.equal(runtimeKind('/var/lib/berth/run/rootless/runc'), 'runc');
  assert.equal(runtimeKind('/opt/youki'), 'runc');
  assert.deepEqual(runtimeQuirks('crun'), { runKeeps: false, needsMountedRoot: true });
  assert.equal(runtimeQuirks('runc').stateRoot, '/run/runc');
});

test('run: --keep where the runtime has it, never with --detach', () => {
  const runc = new RuntimeCommands('/usr/sbin/runc');
  const crun = new RuntimeCommands('/usr/bin/crun');
  assert.deepEqual(runc.run('c1', { bundle: '/b', pidFile: '/p', keep: true }), ['run', '--keep', '--bundle', '/b', '--pid-file', '/p', 'c1']);
  assert.deepEqual(crun.run('c1', { bundle: '/b', pidFile: '/p', keep: true }), ['run', '--bundle', '/b', '--pid-file', '/p', 'c1']);
  assert.deepEqual(runc.run('c1', { bundle: '/b', pidFile: '/p', detach: true, keep: true }), ['run', '--detach', '--bundle', '/b', '--pid-file', '/p', 'c1']);
  assert.deepEqual(crun.run('c1', { bundle: '/b', detach: true }), ['run', '--detach', '--bundle', '/b', 'c1']);
  assert.deepEqual(runc.run('t', { bundle: '/b' }), ['run', '--bundle', '/b', 't']);
});

test('kill --all only where there is a cgroup to find the processes by', () => {
  assert.deepEqual(new RuntimeCommands('runc').kill('c1', 'SIGKILL', true), ['kill', '--all', 'c1', 'SIGKILL']);
  assert.deepEqual(new RuntimeCommands('runc').kill('c1', 'SIGTERM'), ['kill', 'c1', 'SIGTERM']);
  assert.deepEqual(new RuntimeCommands('runc', false).kill('c1', 'SIGKILL', true), ['kill', 'c1', 'SIGKILL']);
  assert.deepEqual(new RuntimeCommands('crun').kill('c1', 'KILL', true), ['kill', '--all', 'c1', 'KILL']);
});

test('the other commands', () => {
  const c = new RuntimeCommands('runc');
  assert.deepEqual(c.create('c1', '/b'), ['create', '--bundle', '/b', 'c1']);
  assert.deepEqual(c.exec('c1', '/proc.json', '/pid'), ['exec', '--process', '/proc.json', '--pid-file', '/pid', 'c1']);
  assert.deepEqual(c.delete('c1'), ['delete', '--force', 'c1']);
  assert.deepEqual(c.state('c1'), ['state', 'c1']);
  assert.deepEqual(c.list(), ['list', '--format', 'json']);
  assert.deepEqual(c.ps('c1'), ['ps', '--format', 'json', 'c1']);
  assert.deepEqual(c.pause('c1'), ['pause', 'c1']);
  assert.deepEqual(c.resume('c1'), ['resume', 'c1']);
  assert.deepEqual(c.update('c1', '/r.json'), ['update', '--resources', '/r.json', 'c1']);
});
