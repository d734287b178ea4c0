// Issue 8's end-to-end case: VS Code (code-server) runs as an ordinary user the test creates, so the
// extension starts its bundled engine itself and the engine runs rootless (a user namespace with the
// user's subordinate ids, slirp4netns for its network). As that user: open sample/ and the Berth
// view, see the engine running, then build, run, read the logs, open the published port from the
// host, stop and remove. The test itself stays root: it creates and deletes the user, imports the
// base image through the user's socket, and checks that nothing is left afterwards.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createThrowawayUser, type ThrowawayUser } from '../runtime/rootless/throwaway-user.js';
import { containerFlow } from './container-flow.js';
import { pidsMentioning } from './engine-cleanup.js';
import { ensureBaseImage, removeByPrefix } from './engine-fixtures.js';
import { Harness } from './harness.js';
import { requireE2e } from './prerequisites.js';

const SETTINGS = {
  // xterm's DOM renderer, so the test can read what a terminal shows.
  'terminal.integrated.gpuAcceleration': 'off',
  // code-server's own "your application on port N is available" toasts would cover Berth's.
  'remote.autoForwardPorts': false,
};

function realUid(pid: number): number | undefined {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // exited while we looked
  }
}

/** The first line of a process's uid_map, spaces collapsed: `0 0 4294967295` outside any user namespace. */
function uidMap(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/uid_map`, 'utf8').trim().split('\n')[0]?.trim().split(/\s+/).join(' ');
  } catch {
    return undefined;
  }
}

/** What must be gone once the user is deleted: its processes, its account, its id ranges, its home. */
function leftovers(u: ThrowawayUser): string[] {
  const left: string[] = [];
  const pids = u.pids();
  if (pids.length) left.push(`processes ${pids.join(', ')}`);
  for (const f of ['/etc/passwd', '/etc/subuid', '/etc/subgid']) {
    if (readFileSync(f, 'utf8').split('\n').some((l) => l.startsWith(`${u.user}:`))) left.push(`${u.user} in ${f}`);
  }
  if (existsSync(u.home)) left.push(u.home);
  return left;
}

test('rootless: as an ordinary user, VS Code starts the bundled engine itself; build, run, logs, port, stop, remove', { timeout: 20 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsRootless: true }))) return;
  const user = createThrowawayUser();
  try {
    const h = await Harness.start({ name: 'rootless', settings: SETTINGS, runAs: user });
    const repo = `berth-e2e-rootless-${process.pid}`;
    try {
      await h.openBerthView();
      const rows = await h.waitForTreeItem('Engine', 'State', /^(running|unreachable)$/, 90_000);
      await h.screenshot('engine-view');
      const by = new Map(rows.map((r) => [r.label, r.description]));
      assert.equal(by.get('State'), 'running', `the engine is not running: ${by.get('Reason') ?? JSON.stringify(rows)}`);
      // A user's defaults, the same ones berthd picks without flags.
      assert.equal(by.get('Socket'), join(user.runtimeDir, 'berth', 'engine.sock'));
      assert.equal(by.get('Root'), join(user.home, '.local', 'share', 'berth'));
      assert.match(by.get('Mode') ?? '', /^rootless/);

      // The Engine view says rootless (and, on this cgroup v1 host with nothing delegated, that limits
      // cannot be applied); the processes confirm it: every one naming the socket (the launcher, the
      // daemon in its namespace, slirp4netns) is the user's, and the daemon sees the user as root
      // through a user namespace.
      const pids = pidsMentioning(h.engineSocket);
      assert.ok(pids.length >= 2, `the launcher and the daemon name ${h.engineSocket}: ${pids.join(', ')}`);
      for (const pid of pids) assert.equal(realUid(pid), user.uid, `engine process ${pid} runs as ${realUid(pid)}, not as the user`);
      const maps = pids.map(uidMap);
      assert.ok(maps.includes(`0 ${user.uid} 1`), `a process in the user's namespace maps 0 to ${user.uid}: ${JSON.stringify(maps)}`);
      t.diagnostic(`engine processes ${pids.join(', ')}; uid maps ${JSON.stringify(maps)}`);

      // Root reaches the user's socket (mode 0600) like any file; the base image comes from the host's busybox.
      await ensureBaseImage(h.engineSocket);
      await t.test('build, run, logs, published port, stop, remove', (st) => containerFlow(st, h, h.engineSocket, repo, `${repo}:latest`));
    } finally {
      await removeByPrefix(h.engineSocket, repo).catch(() => undefined);
      await h.close();
    }
  } finally {
    await user.dispose();
  }
  assert.deepEqual(leftovers(user), [], 'the user and everything it ran are gone');
});
