// One monitor host serves many containers (needs root, runc, the docker CLI, dist/ built). What a
// shared host must keep of the one-monitor-per-container guarantees: each container keeps its own
// attach socket, log and exit record; a host killed with kill -9 is noticed by the running daemon
// and every container it served is stopped, recorded as exited and removable, and the next
// container starts on a new host; containers and logs outlive the daemon on their host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); });

const idOf = async (name: string): Promise<string> => (await e.docker(['inspect', '-f', '{{.Id}}', name])).stdout.trim();
const hostOf = async (name: string): Promise<number> => Number(readFileSync(join(e.root, 'containers', await idOf(name), 'monitor.pid'), 'utf8'));
const state = async (name: string): Promise<string> => (await e.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', name])).stdout.trim();
function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

test('containers share a host, each with its own output, log and exit code', opts, async () => {
  for (const n of ['a', 'b', 'c']) assert.equal((await e.docker(['run', '-d', '--name', `share-${n}`, 'busybox', 'sh', '-c', `echo ${n}; sleep 1; exit ${n.charCodeAt(0) - 96}`])).code, 0);
  const hosts = new Set(await Promise.all(['a', 'b', 'c'].map((n) => hostOf(`share-${n}`))));
  assert.equal(hosts.size, 1, 'one host for all three');
  assert.equal((await e.docker(['run', '--rm', '-i', 'busybox', 'cat'], { input: 'through the same host\n' })).stdout, 'through the same host\n');
  for (const [i, n] of ['a', 'b', 'c'].entries()) {
    assert.equal((await e.docker(['wait', `share-${n}`])).stdout.trim(), String(i + 1));
    assert.equal((await e.docker(['logs', `share-${n}`])).stdout, `${n}\n`);
  }
  assert.equal((await e.docker(['rm', 'share-a', 'share-b', 'share-c'])).code, 0);
});

test('a killed host: every container it served is stopped, exited 255 and removable; the next start gets a new host', opts, async () => {
  for (const n of ['x', 'y']) assert.equal((await e.docker(['run', '-d', '--name', `lost-${n}`, 'busybox', 'sleep', '1000'])).code, 0);
  const host = await hostOf('lost-x');
  assert.equal(await hostOf('lost-y'), host);
  const pids = await Promise.all(['x', 'y'].map(async (n) => Number((await e.docker(['inspect', '-f', '{{.State.Pid}}', `lost-${n}`])).stdout.trim())));
  process.kill(host, 'SIGKILL');
  for (const n of ['x', 'y']) await eventually(`lost-${n} recorded as exited`, async () => ((await state(`lost-${n}`)) === 'exited 255' ? true : undefined));
  await eventually('the containers\' processes gone', async () => (pids.every((p) => !alive(p)) ? true : undefined));
  for (const n of ['x', 'y']) assert.equal(existsSync(`/sys/fs/cgroup/memory/${e.prefix}/${await idOf(`lost-${n}`)}`), false, 'its memory cgroup is gone');
  assert.equal((await e.docker(['rm', 'lost-x', 'lost-y'])).code, 0);
  assert.equal((await e.docker(['run', '--rm', 'busybox', 'echo', 'next'])).stdout, 'next\n');
});

test('the daemon killed: the host keeps its containers and their logs; the next daemon uses a host of its own', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'kept', 'busybox', 'sh', '-c', 'echo one; while [ ! -f /tmp/go ]; do sleep 0.05; done; echo two; exit 4'])).code, 0);
  const old = await hostOf('kept');
  await e.crash();
  await e.restart();
  assert.ok(alive(old), 'the old host serves on');
  assert.equal((await e.docker(['run', '--name', 'after', 'busybox', 'true'])).code, 0);
  assert.notEqual(await hostOf('after'), old, 'a new daemon starts a host of its own');
  assert.equal((await e.docker(['exec', 'kept', 'touch', '/tmp/go'])).code, 0);
  assert.equal((await e.docker(['wait', 'kept'])).stdout.trim(), '4');
  assert.equal((await e.docker(['logs', 'kept'])).stdout, 'one\ntwo\n');
  // Its daemon gone and its last container exited, the old host exits too.
  await eventually('the old host gone', async () => (alive(old) ? undefined : true));
  assert.equal((await e.docker(['rm', 'kept', 'after'])).code, 0);
});
