// The one function that moves a container record between states: legal moves, and illegal ones
// refused with a 409 naming the move and the state, leaving the record as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError } from '../../../runtime/errdefs.js';
import type { ContainerRecord, ContainerStatus } from '../../../runtime/containers/record.js';
import { assertCanMove, canMove, transition, type MoveName } from '../../../runtime/containers/state-transitions.js';

const rec = (Status: ContainerStatus): ContainerRecord => ({
  Id: 'c0ffee'.padEnd(64, '0'), State: { Status, Pid: 0, ExitCode: 0, Error: '', StartedAt: '', FinishedAt: '', OOMKilled: false },
} as unknown as ContainerRecord);

test('a start runs created, exited and restarting containers and records the process', () => {
  for (const from of ['created', 'exited', 'restarting'] as const) {
    const r = rec(from);
    transition(r, 'start', { Pid: 42, StartedAt: 'now' });
    assert.equal(r.State.Status, 'running');
    assert.equal(r.State.Pid, 42);
  }
});

test('a failed start leaves a created container created and the others exited', () => {
  const c = rec('created');
  transition(c, 'fail-start', { Error: 'boom', ExitCode: 127 });
  assert.deepEqual([c.State.Status, c.State.Error, c.State.ExitCode], ['created', 'boom', 127]);
  const e = rec('restarting');
  transition(e, 'fail-start');
  assert.equal(e.State.Status, 'exited');
});

test('pause, unpause, exit, restart wait and removal follow Docker\'s states', () => {
  const r = rec('running');
  transition(r, 'pause');
  assert.equal(r.State.Status, 'paused');
  transition(r, 'unpause');
  transition(r, 'exit', { ExitCode: 3 });
  assert.deepEqual([r.State.Status, r.State.ExitCode], ['exited', 3]);
  transition(r, 'exit');
  transition(r, 'wait-restart');
  assert.equal(r.State.Status, 'restarting');
  transition(r, 'cancel-restart');
  transition(r, 'remove');
  assert.equal(r.State.Status, 'removing');
});

test('illegal moves are 409s naming the move and the state, and change nothing', () => {
  const cases: [ContainerStatus, MoveName, string][] = [
    ['running', 'start', 'cannot start container c0ffee000000 in state running'],
    ['paused', 'start', 'cannot start container c0ffee000000 in state paused'],
    ['exited', 'pause', 'cannot pause container c0ffee000000 in state exited'],
    ['running', 'unpause', 'cannot unpause container c0ffee000000 in state running'],
    ['running', 'remove', 'cannot remove container c0ffee000000 in state running'],
    ['removing', 'exit', 'cannot exit container c0ffee000000 in state removing'],
    ['removing', 'start', 'cannot start container c0ffee000000 in state removing'],
  ];
  for (const [from, move, message] of cases) {
    const r = rec(from);
    assert.equal(canMove(r, move), false);
    assert.throws(() => transition(r, move, { Pid: 9 }), (err: Error) => err instanceof ConflictError && err.message === message);
    assert.equal(r.State.Status, from);
    assert.equal(r.State.Pid, 0);
  }
  assert.throws(() => assertCanMove(rec('exited'), 'pause', 'freeze'), /cannot freeze container c0ffee000000 in state exited/);
});
