// Containers on a unified cgroup v2 host run by systemd (issue 17), as root, with the docker CLI:
// the systemd driver by default (a transient scope per container) and cgroupfs on request; limits
// written to memory.max, memory.swap.max, cpu.max, cpu.weight and pids.max; an OOM kill read from
// memory.events as State.OOMKilled; `docker stats` figures against the files; pause through
// cgroup.freeze; `docker top` and `docker update` on a running container; published ports; a build.
// Skips on cgroup v1 hosts (see cgroup-v2-host.ts); `npm run test:hosts` runs it in a v2 VM.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';
import { cgroupDirOfPid, readCgroupFile, v2SkipReason } from './cgroup-v2-host.js';

const skip = v2SkipReason();
const opts = skip ? { skip } : engineTestOptions();
let e: Engine;
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); });

interface Inspect { Id: string; State: { Status: string; Pid: number; Paused: boolean; OOMKilled: boolean; ExitCode: number; Running: boolean } }
async function inspect(name: string): Promise<Inspect> {
  const r = await e.docker(['inspect', name]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout)[0] as Inspect;
}
async function cgroupOf(name: string): Promise<string> {
  return cgroupDirOfPid((await inspect(name)).State.Pid);
}
async function ok(args: string[]): Promise<string> {
  const r = await e.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${e.log().slice(-2000)}`);
  return r.stdout;
}

test('docker info: cgroup v2 with the systemd driver, limits supported', opts, async () => {
  const out = await ok(['info', '--format', '{{.CgroupVersion}} {{.CgroupDriver}} {{.MemoryLimit}} {{.PidsLimit}} {{.CPUCfsQuota}}']);
  assert.equal(out.trim(), '2 systemd true true true');
  assert.match(e.log(), /cgroup v2, systemd driver/);
});

test('lifecycle: a container lives in its own systemd scope, which goes with it', opts, async () => {
  assert.equal(await ok(['run', '--rm', 'busybox', 'echo', 'hello v2']), 'hello v2\n');
  await ok(['run', '-d', '--name', 'life', 'busybox', 'sleep', '600']);
  const { Id } = await inspect('life');
  const dir = await cgroupOf('life');
  assert.equal(dir, `/sys/fs/cgroup/system.slice/${e.prefix}-${Id}.scope`);
  assert.match(readCgroupFile(dir, 'cgroup.procs'), /^\d+/);
  await ok(['stop', '-t', '1', 'life']);
  assert.equal((await inspect('life')).State.Status, 'exited');
  await ok(['start', 'life']);
  assert.equal((await inspect('life')).State.Running, true);
  await ok(['rm', '-f', 'life']);
  await eventually('the scope to go', async () => (existsSync(dir) ? undefined : true));
});

test('limits: memory, memory-swap, cpus, cpu-shares, cpuset and pids in the v2 files', opts, async () => {
  await ok(['run', '-d', '--name', 'lim', '-m', '64m', '--memory-swap', '96m', '--cpus', '0.5', '--cpu-shares', '512', '--cpuset-cpus', '0', '--pids-limit', '32', 'busybox', 'sleep', '600']);
  const dir = await cgroupOf('lim');
  assert.equal(readCgroupFile(dir, 'memory.max'), String(64 * 1024 * 1024));
  assert.equal(readCgroupFile(dir, 'memory.swap.max'), String(32 * 1024 * 1024), 'swap is memory-swap minus memory');
  assert.equal(readCgroupFile(dir, 'cpu.max'), '50000 100000');
  // runc converts shares to weight: 1 + ((shares - 2) * 9999) / 262142.
  assert.equal(readCgroupFile(dir, 'cpu.weight'), String(1 + Math.floor(((512 - 2) * 9999) / 262142)));
  assert.equal(readCgroupFile(dir, 'cpuset.cpus'), '0');
  assert.equal(readCgroupFile(dir, 'pids.max'), '32');
  await ok(['rm', '-f', 'lim']);
});

test('an OOM kill is read from memory.events and reported as OOMKilled', opts, async () => {
  const r = await e.docker(['run', '--name', 'oom', '-m', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'tail /dev/zero']);
  assert.equal(r.code, 137, r.stderr);
  const s = (await inspect('oom')).State;
  assert.equal(s.OOMKilled, true, e.log().slice(-2000));
  assert.equal(s.ExitCode, 137);
  await ok(['rm', 'oom']);
});

test('a pids limit stops forks inside the container', opts, async () => {
  const r = await e.docker(['run', '--rm', '--pids-limit', '8', 'busybox', 'sh', '-c', 'for i in $(seq 1 20); do sleep 30 & done 2>&1; echo started; kill $(jobs -p) 2>/dev/null; true']);
  assert.match(r.stdout + r.stderr, /can't fork|Resource temporarily unavailable/);
});

test('docker stats: memory, pids and CPU figures are the cgroup files\' figures', opts, async () => {
  await ok(['run', '-d', '--name', 'st', '-m', '128m', '--pids-limit', '50', 'busybox', 'sh', '-c', 'sleep 600 & sleep 600 & wait']);
  const dir = await cgroupOf('st');
  const stats = await e.client.getContainer('st').stats({ stream: false }) as unknown as {
    memory_stats: { usage: number; limit: number; stats: Record<string, number> };
    pids_stats: { current: number; limit: number };
    cpu_stats: { cpu_usage: { total_usage: number } };
  };
  const current = Number(readCgroupFile(dir, 'memory.current'));
  // An idle container's memory barely moves between the two reads.
  assert.ok(Math.abs(stats.memory_stats.usage - current) < 512 * 1024, `${stats.memory_stats.usage} vs ${current}`);
  assert.equal(stats.memory_stats.limit, 128 * 1024 * 1024);
  assert.ok('inactive_file' in stats.memory_stats.stats, 'memory.stat as it is (the CLI subtracts inactive_file)');
  assert.equal(stats.pids_stats.current, Number(readCgroupFile(dir, 'pids.current')));
  assert.equal(stats.pids_stats.limit, 50);
  const usec = Number(/usage_usec (\d+)/.exec(readCgroupFile(dir, 'cpu.stat'))![1]);
  assert.ok(stats.cpu_stats.cpu_usage.total_usage <= usec * 1000 && stats.cpu_stats.cpu_usage.total_usage > 0);
  const cli = await ok(['stats', '--no-stream', '--format', '{{.MemUsage}} {{.PIDs}}', 'st']);
  assert.match(cli, /^[\d.]+[KMG]iB \/ 128MiB 3\n$/);
});

test('pause and unpause through cgroup.freeze; status follows', opts, async () => {
  await ok(['run', '-d', '--name', 'frz', 'busybox', 'sleep', '600']);
  const dir = await cgroupOf('frz');
  await ok(['pause', 'frz']);
  assert.equal(readCgroupFile(dir, 'cgroup.freeze'), '1');
  assert.match(readCgroupFile(dir, 'cgroup.events'), /frozen 1/);
  const paused = await inspect('frz');
  assert.equal(paused.State.Status, 'paused');
  assert.equal(paused.State.Paused, true);
  assert.match(await ok(['ps', '--filter', 'name=frz', '--format', '{{.Status}}']), /\(Paused\)/);
  // A daemon that starts again takes the freezer's word for it.
  await e.crash();
  await e.restart();
  assert.equal((await inspect('frz')).State.Status, 'paused');
  await ok(['unpause', 'frz']);
  assert.equal(readCgroupFile(dir, 'cgroup.freeze'), '0');
  assert.equal((await inspect('frz')).State.Status, 'running');
  await ok(['rm', '-f', 'frz']);
});

test('docker top and docker update on a running container', opts, async () => {
  await ok(['run', '-d', '--name', 'upd', '-m', '64m', 'busybox', 'sleep', '600']);
  const top = await ok(['top', 'upd']);
  assert.match(top, /sleep 600/);
  await ok(['update', '--memory', '96m', '--memory-swap', '128m', '--cpus', '1', '--pids-limit', '40', 'upd']);
  const dir = await cgroupOf('upd');
  assert.equal(readCgroupFile(dir, 'memory.max'), String(96 * 1024 * 1024));
  assert.equal(readCgroupFile(dir, 'memory.swap.max'), String(32 * 1024 * 1024));
  assert.equal(readCgroupFile(dir, 'cpu.max'), '100000 100000');
  assert.equal(readCgroupFile(dir, 'pids.max'), '40');
  await ok(['rm', '-f', 'upd']);
});

test('published ports reach the container', opts, async () => {
  await ok(['run', '-d', '--name', 'web', '-p', '127.0.0.1:18089:80', 'busybox', 'sh', '-c', 'echo served-on-v2 > /index.html; httpd -f -p 80 -h /']);
  const body = await eventually('the port to answer', async () => {
    try {
      const res = await fetch('http://127.0.0.1:18089/index.html');
      return res.ok ? await res.text() : undefined;
    } catch { return undefined; }
  });
  assert.equal(body, 'served-on-v2\n');
  await ok(['rm', '-f', 'web']);
});

test('a build runs its RUN steps in systemd scopes too', opts, async () => {
  const ctx = mkdtempSync(join(tmpdir(), 'berth-v2-build-'));
  try {
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN cat /proc/self/cgroup > /cgroup-of-run\nCMD ["cat", "/cgroup-of-run"]\n');
    const r = await e.docker(['build', '-q', '-t', 'v2build', ctx]);
    assert.equal(r.code, 0, r.stderr);
    // Docker's default for v2 is a private cgroup namespace, so the step sees itself at the root.
    assert.match(await ok(['run', '--rm', 'v2build']), /^0::\//);
  } finally { rmSync(ctx, { recursive: true, force: true }); }
});

test('--cgroup-driver cgroupfs: containers under /sys/fs/cgroup/<prefix>, limits and OOM the same', opts, async () => {
  const fs = await startEngine({ args: ['--cgroup-driver', 'cgroupfs'] });
  try {
    assert.equal((await fs.docker(['info', '--format', '{{.CgroupDriver}}'])).stdout.trim(), 'cgroupfs');
    assert.equal((await fs.docker(['run', '-d', '--name', 'cf', '-m', '32m', 'busybox', 'sleep', '600'])).code, 0);
    const info = JSON.parse((await fs.docker(['inspect', 'cf'])).stdout)[0] as Inspect;
    const dir = cgroupDirOfPid(info.State.Pid);
    assert.equal(dir, `/sys/fs/cgroup/${fs.prefix}/${info.Id}`);
    assert.equal(readCgroupFile(dir, 'memory.max'), String(32 * 1024 * 1024));
    const oom = await fs.docker(['run', '--name', 'cfoom', '-m', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'tail /dev/zero']);
    assert.equal(oom.code, 137);
    assert.equal((JSON.parse((await fs.docker(['inspect', 'cfoom'])).stdout)[0] as Inspect).State.OOMKilled, true);
  } finally { await fs.dispose(); }
});
