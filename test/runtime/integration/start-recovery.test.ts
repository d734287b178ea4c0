// A daemon killed with kill -9 at awkward moments, then started again on the same root (needs root,
// runc, the docker CLI, dist/ built): the start repairs what it left, one log line per repair, and
// never fails on a leftover. Cases: a docker export in flight (its overlay view stays mounted) followed
// by docker rm; a create cut off before its record; a start whose record was not saved (no IP); a
// container whose monitor died with it (runc state and cgroups left, no exit record).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); });

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m): m is string => Boolean(m) && m.startsWith(`${dir}/`));
}

/** Waits for a log line matching `re` written after offset `from` (the container engine opens after the ready line). */
function logLine(from: number, re: RegExp): Promise<string> {
  return eventually(`a log line ${re}`, async () => re.exec(e.log().slice(from))?.[0]);
}

/** Starts GET /containers/{id}/export and returns once the headers came (the view is mounted), never reading the body. */
function exportStalled(name: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: e.socket, path: `/containers/${name}/export`, method: 'GET' }, (res) => {
      res.pause();
      resolve(() => req.destroy());
    });
    req.on('error', () => undefined);
    req.setTimeout(60_000, () => reject(new Error('export did not answer')));
    req.end();
  });
}

test('killed during docker export: the view is unmounted at the next start, and rm then restart work', opts, async () => {
  assert.equal((await e.docker(['run', '--name', 'ex', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1M count=8 2>/dev/null'])).code, 0);
  const hangUp = await exportStalled('ex');
  const id = (await e.docker(['inspect', '-f', '{{.Id}}', 'ex'])).stdout.trim();
  assert.ok(mountsUnder(join(e.root, 'containers', id)).some((m) => /\/ro-/.test(m)), 'the export view is mounted');
  await e.crash();
  hangUp();
  const before = e.log().length;
  await e.restart();
  assert.deepEqual(mountsUnder(e.root), [], 'no mount left under the root');
  assert.match(e.log().slice(before), /unmounted .*\/ro-\S+, left mounted by a daemon that stopped/);
  assert.equal((await e.docker(['rm', 'ex'])).code, 0);
  await e.crash();
  await e.restart();
  assert.equal((await e.docker(['version', '-f', '{{.Server.Version}}'])).code, 0);
});

test('a create cut off before its record: the folder is removed at start, with a log line', opts, async () => {
  const dir = join(e.root, 'containers', 'f'.repeat(64));
  for (const sub of ['bundle/rootfs', 'upper', 'work']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, '.config.v2.json.0123456789ab.tmp'), '{"Id":');
  await e.crash();
  const before = e.log().length;
  await e.restart();
  await logLine(before, /removed .*f{64}: a container create cut off before its record was written/);
  assert.equal(existsSync(dir), false);
  assert.equal((await e.docker(['ps', '-aq'])).stdout.includes('ffffffffffff'), false);
});

test('a running container whose record was saved before its start: its IP comes back from networks.json', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'ipr', 'busybox', 'sleep', '1000'])).code, 0);
  const ip = (await e.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'ipr'])).stdout.trim();
  assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
  const id = (await e.docker(['inspect', '-f', '{{.Id}}', 'ipr'])).stdout.trim();
  await e.crash();
  // What a kill between the start's reply and its record write leaves: the record as create wrote it.
  const file = join(e.root, 'containers', id, 'config.v2.json');
  const rec = JSON.parse(readFileSync(file, 'utf8')) as { State: { Status: string; Pid: number }; Networks: Record<string, { IPAddress: string }> };
  rec.State.Status = 'created';
  rec.State.Pid = 0;
  for (const ep of Object.values(rec.Networks)) ep.IPAddress = '';
  writeFileSync(file, JSON.stringify(rec));
  const before = e.log().length;
  await e.restart();
  await logLine(before, /network settings restored from networks\.json/);
  await eventually('the container reconciled as running', async () => ((await e.docker(['inspect', '-f', '{{.State.Status}}', 'ipr'])).stdout.trim() === 'running' ? true : undefined));
  assert.equal((await e.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'ipr'])).stdout.trim(), ip);
  assert.equal((await e.docker(['rm', '-f', 'ipr'])).code, 0);
});

test('a container whose monitor died with the daemon: runc state and cgroups released, exited 255, removable', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'orph', 'busybox', 'sleep', '1000'])).code, 0);
  const id = (await e.docker(['inspect', '-f', '{{.Id}}', 'orph'])).stdout.trim();
  await e.crash();
  const monitorPid = Number(readFileSync(join(e.root, 'containers', id, 'monitor.pid'), 'utf8'));
  process.kill(monitorPid, 'SIGKILL');
  await eventually('the monitor gone', async () => { try { process.kill(monitorPid, 0); return undefined; } catch { return true; } });
  const before = e.log().length;
  await e.restart();
  await logLine(before, /recorded as exited \(255\)/);
  assert.match(e.log().slice(before), /its monitor is gone; removed what .*runc still held of it/);
  assert.equal((await e.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'orph'])).stdout.trim(), 'exited 255');
  let runcState = '';
  try { runcState = execFileSync('runc', ['state', id], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(); } catch { /* gone: expected */ }
  assert.equal(runcState, '', 'runc no longer knows the container');
  assert.equal(existsSync(`/sys/fs/cgroup/memory/${e.prefix}/${id}`), false, 'its memory cgroup is gone');
  assert.equal((await e.docker(['rm', 'orph'])).code, 0);
});
