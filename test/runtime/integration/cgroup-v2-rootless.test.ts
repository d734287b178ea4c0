// Rootless berthd with limits (issue 17; issue 8 stopped here on cgroup v1): an ordinary user
// logged in through systemd (loginctl enable-linger starts user@UID.service, which delegates
// memory, cpu and pids), berthd started in a delegated scope of that user's systemd
// (systemd-run --user --scope -p Delegate=yes), the docker CLI on the user's socket. The daemon
// takes its scope for the containers (its own processes move to a leaf), so -m, --cpus and
// --pids-limit are written to each container's cgroup, an OOM kill is reported, pause freezes, and
// docker info reports the limits as supported. Skips on cgroup v1 hosts (see cgroup-v2-host.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runDocker, type RunResult } from '../../helpers/daemon.js';
import { RUNTIME_BUNDLE } from '../../helpers/berthd-process.js';
import { createThrowawayUser, rootlessTestOptions, type ThrowawayUser } from '../rootless/rootless-fixture.js';
import { cgroupDirOfPid, readCgroupFile, v2SkipReason } from './cgroup-v2-host.js';

const skip = v2SkipReason();
const opts = skip ? { skip } : rootlessTestOptions();

let user: ThrowawayUser | undefined;
let daemon: ChildProcess | undefined;
let stderr = '';
let env: NodeJS.ProcessEnv = {};
const docker = (args: string[]): Promise<RunResult> => runDocker(args, env);

async function waitFor(what: string, probe: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  if (opts.skip) return;
  user = createThrowawayUser();
  execFileSync('loginctl', ['enable-linger', user.user]);
  const runtimeDir = `/run/user/${user.uid}`;
  await waitFor('user@.service and its bus', () => existsSync(join(runtimeDir, 'bus')));
  const socket = join(runtimeDir, 'berth', 'engine.sock');
  env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(user.home, 'docker-config'), DOCKER_BUILDKIT: '0' };
  daemon = spawn('setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', 'env', '-i',
    `HOME=${user.home}`, `USER=${user.user}`, `XDG_RUNTIME_DIR=${runtimeDir}`, `DBUS_SESSION_BUS_ADDRESS=unix:path=${runtimeDir}/bus`,
    `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`,
    'systemd-run', '--user', '--scope', '--quiet', '-p', 'Delegate=yes', process.execPath, RUNTIME_BUNDLE], { stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  await new Promise<void>((resolve, reject) => {
    daemon!.stdout!.once('data', () => resolve());
    daemon!.once('exit', (code) => reject(new Error(`rootless berthd exited with ${code}: ${stderr}`)));
  });
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const r = await runDocker(['import', '-', 'busybox:latest'], env, await busyboxRootfsTar());
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
    const ids = (await docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await docker(['rm', '-f', ...ids]);
    const gone = new Promise((r) => daemon!.once('exit', r));
    daemon.kill('SIGTERM');
    await gone;
  }
  if (user) {
    try { execFileSync('loginctl', ['disable-linger', user.user]); } catch { /* gone */ }
    try { execFileSync('loginctl', ['terminate-user', user.user], { stdio: 'ignore' }); } catch { /* not logged in */ }
    await user.dispose();
  }
});

async function ok(args: string[]): Promise<string> {
  const r = await docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${stderr.slice(-2000)}`);
  return r.stdout;
}

async function cgroupOf(name: string): Promise<string> {
  const pid = Number((await ok(['inspect', '--format', '{{.State.Pid}}', name])).trim());
  return cgroupDirOfPid(pid);
}

test('docker info reports the limits as supported, and no rootless-limits warning', opts, async () => {
  assert.match(stderr, /rootless, containers get memory, cpu and pids limits in the delegated cgroup \/user\.slice\/user-\d+\.slice\/user@\d+\.service\//);
  const info = await ok(['info', '--format', '{{.MemoryLimit}} {{.CPUCfsQuota}} {{.PidsLimit}} {{.CgroupVersion}} {{json .SecurityOptions}}']);
  assert.equal(info.trim(), 'true true true 2 ["name=seccomp,profile=default","name=rootless"]');
  assert.doesNotMatch(await ok(['info', '--format', '{{json .Warnings}}']), /without a delegated cgroup tree/);
});

test('memory, cpu and pids limits land in the container\'s cgroup under the user\'s tree', opts, async () => {
  const r = await docker(['run', '-d', '--name', 'lim', '-m', '48m', '--cpus', '0.5', '--pids-limit', '20', 'busybox', 'sleep', '600']);
  assert.equal(r.code, 0, r.stderr + stderr);
  assert.doesNotMatch(r.stderr, /discarded/);
  const dir = await cgroupOf('lim');
  assert.match(dir, new RegExp(`^/sys/fs/cgroup/user\\.slice/user-${user!.uid}\\.slice/user@${user!.uid}\\.service/`));
  assert.equal(readCgroupFile(dir, 'memory.max'), String(48 * 1024 * 1024));
  assert.equal(readCgroupFile(dir, 'cpu.max'), '50000 100000');
  assert.equal(readCgroupFile(dir, 'pids.max'), '20');
  const stats = await ok(['stats', '--no-stream', '--format', '{{.MemUsage}}', 'lim']);
  assert.match(stats, /\/ 48MiB/);
  await ok(['rm', '-f', 'lim']);
});

test('an OOM kill in a rootless container is reported', opts, async () => {
  const r = await docker(['run', '--name', 'oom', '-m', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'tail /dev/zero']);
  assert.equal(r.code, 137, r.stderr);
  assert.equal((await ok(['inspect', '--format', '{{.State.OOMKilled}}', 'oom'])).trim(), 'true');
  await ok(['rm', 'oom']);
});

test('pause and unpause a rootless container (the v2 freezer)', opts, async () => {
  await ok(['run', '-d', '--name', 'frz', 'busybox', 'sleep', '600']);
  const dir = await cgroupOf('frz');
  await ok(['pause', 'frz']);
  assert.match(readCgroupFile(dir, 'cgroup.events'), /frozen 1/);
  assert.equal((await ok(['inspect', '--format', '{{.State.Status}}', 'frz'])).trim(), 'paused');
  await ok(['unpause', 'frz']);
  assert.match(readCgroupFile(dir, 'cgroup.events'), /frozen 0/);
  await ok(['rm', '-f', 'frz']);
});
