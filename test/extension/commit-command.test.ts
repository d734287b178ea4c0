import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as vscode from 'vscode';
import { commitContainer } from '../../extension/commands/commit-container.js';
import type { EngineCtx } from '../../extension/commands/command-context.js';
import { COMMANDS } from '../../extension/commands/index.js';
import { containerNode } from '../../extension/views/container-nodes.js';
import { messages } from './fake-vscode.js';

const win = vscode.window as unknown as Record<string, unknown>;
const node = containerNode({ Id: 'a'.repeat(64), Names: ['/web'], Image: 'sample:latest', Created: 1, State: 'running', Status: 'Up', Labels: {} });

function fakeEngine(commit: (opts: Record<string, unknown>) => Promise<unknown>): { e: EngineCtx; calls: { id: string; opts: Record<string, unknown> }[]; refreshed: string[][] } {
  const calls: { id: string; opts: Record<string, unknown> }[] = [];
  const refreshed: string[][] = [];
  const e = {
    ctx: { views: { refresh: (kinds: string[]) => { refreshed.push(kinds); } } },
    docker: { getContainer: (id: string) => ({ commit: (opts: Record<string, unknown>) => { calls.push({ id, opts }); return commit(opts); } }) },
    connection: {},
  } as unknown as EngineCtx;
  return { e, calls, refreshed };
}

test('Commit asks for repo:tag (offering name:latest, validated) and commits the clicked container, paused', async () => {
  const asked: { value?: string; validateInput?: (v: string) => string | undefined }[] = [];
  win.showInputBox = async (o: { value?: string; validateInput?: (v: string) => string | undefined }) => { asked.push(o); return 'debugged/web:v2'; };
  const { e, calls, refreshed } = fakeEngine(async () => ({ Id: `sha256:${'f'.repeat(64)}` }));
  messages.length = 0;
  await commitContainer(e)(node, [node]);
  assert.equal(asked[0].value, 'web:latest');
  assert.ok(asked[0].validateInput?.('Bad Name'), 'an invalid reference is refused in the box');
  assert.equal(asked[0].validateInput?.('ok/name:1'), undefined);
  assert.deepEqual(calls, [{ id: 'a'.repeat(64), opts: { repo: 'debugged/web', tag: 'v2', pause: true } }]);
  assert.deepEqual(refreshed, [['image']]);
  assert.match(messages.at(-1)!.text, /Committed web as debugged\/web:v2 \(ffffffffffff\)/);
});

test('Commit does nothing when the box is dismissed, and reports an engine error', async () => {
  win.showInputBox = async () => undefined;
  const first = fakeEngine(async () => ({}));
  await commitContainer(first.e)(node, [node]);
  assert.equal(first.calls.length, 0);
  win.showInputBox = async () => 'x:1';
  const failing = fakeEngine(async () => { throw Object.assign(new Error('(HTTP code 409) unexpected - You cannot commit container'), { statusCode: 409, json: { message: 'You cannot commit container aaaa which is dead' } }); });
  messages.length = 0;
  await commitContainer(failing.e)(node, [node]);
  assert.equal(messages.at(-1)?.level, 'error');
  assert.match(messages.at(-1)!.text, /commit web as x:1/i);
});

test('Commit is registered as berth.containers.commit', () => {
  assert.ok('containers.commit' in COMMANDS);
});
