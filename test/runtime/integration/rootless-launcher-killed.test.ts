// A rootless daemon whose launcher (the process the user or VS Code started) is killed with SIGKILL:
// the daemon inside the user namespace notices and stops by itself, releasing the root, so the next
// start works; the container it ran keeps running and is found again. Before, the daemon lived on
// unseen and every later start failed with "another berthd is already using the root".
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isAlive } from '../../../runtime/daemon/root-lock.js';
import { importBusyboxRootless, rootlessTestOptions, startRootlessEngine, type RootlessEngine } from '../rootless/rootless-fixture.js';

const opts = rootlessTestOptions();

let e: RootlessEngine;
before(async () => {
  if (opts.skip) return;
  e = await startRootlessEngine();
  await importBusyboxRootless(e);
});
after(async () => { await e?.dispose(); });

test('kill -9 of the launcher: the daemon inside stops by itself, the next start works, the container lives on', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'survivor', 'busybox', 'sleep', '300'])).code, 0, e.log());
  const pidFile = join(e.base, '.local', 'share', 'berth', 'berthd.pid');
  const daemonPid = Number(readFileSync(pidFile, 'utf8').trim());
  assert.notEqual(daemonPid, e.launcherPid(), 'the daemon is a process of its own inside the namespace');
  process.kill(e.launcherPid()!, 'SIGKILL');
  for (let i = 0; i < 100 && isAlive(daemonPid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(isAlive(daemonPid), false, `the daemon (pid ${daemonPid}) stopped after its launcher was killed:\n${e.log()}`);
  assert.match(e.log(), /the launcher is gone, shutting down/);
  assert.equal(existsSync(e.socket), false, 'it removed its socket');

  await e.restart();
  const r = await e.docker(['inspect', '-f', '{{.State.Running}}', 'survivor']);
  assert.equal(r.stdout.trim(), 'true', r.stderr + e.log());
  assert.equal((await e.docker(['rm', '-f', 'survivor'])).code, 0);
});

test('a start right after the launcher was killed waits for the old daemon instead of failing on its lock', opts, async () => {
  const pidFile = join(e.base, '.local', 'share', 'berth', 'berthd.pid');
  const daemonPid = Number(readFileSync(pidFile, 'utf8').trim());
  process.kill(e.launcherPid()!, 'SIGKILL');
  await e.restart();
  assert.equal(isAlive(daemonPid), false, 'the old daemon is gone');
  assert.equal((await e.docker(['run', '--rm', 'busybox', 'true'])).code, 0, e.log());
});
