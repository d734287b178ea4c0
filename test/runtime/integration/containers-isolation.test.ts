// Isolation and limits, proved from inside containers run with the real docker CLI against berthd
// (needs root, runc, the docker CLI, dist/ built): pid 1, invisible host processes, hostname, writes
// that stay in the container, Docker's capability set, masked /proc paths, OOM kills, pids limit,
// exit codes, --rm, and bad input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { engineTestOptions, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); });

test('pid 1 is the container process; host processes are invisible', opts, async () => {
  const r = await e.docker(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'echo pid=$$; ps -o pid,comm | tail -n +2; ls /proc | grep -c "^[0-9]"']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const [pidLine, ...rest] = lines.slice(0, -1);
  const count = lines[lines.length - 1];
  assert.equal(pidLine, 'pid=1');
  // Only the shell and ps (and ls/grep of the last command) exist in the namespace.
  // (busybox runs applets through /proc/self/exe, so a process may briefly be called "exe")
  assert.ok(rest.every((l) => /^\s*\d+\s+(sh|ps|ls|grep|tail|exe)$/.test(l)), r.stdout);
  assert.ok(Number(count) < 8, `few pids visible: ${r.stdout}`);
  assert.doesNotMatch(r.stdout, /berthd|node|dockerd|containerd/);
});

test('hostname is the container\'s; writes stay in the container', opts, async () => {
  const r = await e.docker(['run', '--name', 'writer', '--hostname', 'boxy', 'busybox', 'sh', '-c', 'hostname; cat /etc/hostname; echo secret > /etc/written; echo x > /bin/added']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'boxy\nboxy\n');
  assert.ok(!existsSync('/etc/written'), 'the host /etc is untouched');
  const other = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'cat /etc/written /bin/added 2>&1; hostname']);
  assert.match(other.stdout, /No such file/);
  assert.doesNotMatch(other.stdout, /secret/);
  // The data is in the first container's own layer.
  const again = await e.docker(['start', '-a', 'writer']);
  assert.equal(again.code, 0, again.stderr);
  const cp = await e.docker(['cp', 'writer:/etc/written', '-']);
  assert.match(cp.stdout, /secret/);
  await e.docker(['rm', 'writer']);
});

test('default capabilities are Docker\'s (CapEff 00000000a80425fb); no-new-privileges; cap-add/drop', opts, async () => {
  const r = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status']);
  assert.match(r.stdout, /CapEff:\s+00000000a80425fb/);
  assert.match(r.stdout, /CapBnd:\s+00000000a80425fb/);
  assert.match(r.stdout, /NoNewPrivs:\s+0/, 'no_new_privs only when asked for, as with Docker');
  const nnp = await e.docker(['run', '--rm', '--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status']);
  assert.match(nnp.stdout, /NoNewPrivs:\s+1/);
  const dropped = await e.docker(['run', '--rm', '--cap-drop', 'NET_RAW', '--cap-add', 'SYS_ADMIN', 'busybox', 'grep', 'CapEff', '/proc/self/status']);
  // a80425fb - NET_RAW (bit 13) + SYS_ADMIN (bit 21)
  assert.match(dropped.stdout, /CapEff:\s+00000000a82405fb/);
  const user = await e.docker(['run', '--rm', '--user', 'nobody', 'busybox', 'sh', '-c', 'id -u; grep CapEff /proc/self/status']);
  assert.match(user.stdout, /^65534\nCapEff:\s+0000000000000000/);
});

test('/proc paths are masked and read-only as in Docker', opts, async () => {
  const r = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', [
    'for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do [ -e $p ] && echo "$p $(wc -c < $p)"; done',
    'echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo sys-writable || echo sys-readonly',
    'echo 1 > /proc/sysrq-trigger 2>/dev/null && echo sysrq-writable || echo sysrq-readonly',
  ].join('; ')]);
  assert.equal(r.code, 0, r.stderr);
  // Each masked path that exists on this kernel reads as empty (/dev/null bound over it).
  for (const line of r.stdout.split('\n').filter((l) => l.startsWith('/proc/'))) assert.match(line, / 0$/, line);
  if (existsSync('/proc/kcore')) assert.match(r.stdout, /\/proc\/kcore 0\n/);
  assert.match(r.stdout, /\/proc\/keys 0\n/);
  assert.match(r.stdout, /sys-readonly/);
  assert.match(r.stdout, /sysrq-readonly/);
});

test('a memory hog over --memory is killed and inspect says OOMKilled', opts, async () => {
  const r = await e.docker(['run', '--name', 'hog', '--memory', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'tail /dev/zero']);
  assert.equal(r.code, 137, r.stderr);
  const state = JSON.parse((await e.docker(['inspect', '-f', '{{json .State}}', 'hog'])).stdout) as { OOMKilled: boolean; ExitCode: number; Status: string };
  assert.deepEqual([state.OOMKilled, state.ExitCode, state.Status], [true, 137, 'exited']);
  const limit = await e.docker(['run', '--rm', '--memory', '32m', 'busybox', 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']);
  assert.equal(limit.stdout.trim(), String(32 << 20));
  await e.docker(['rm', 'hog']);
});

test('--pids-limit holds', opts, async () => {
  // The shell is one pid; it starts sleepers until fork fails (busybox sh then gives up).
  const r = await e.docker(['run', '--rm', '--pids-limit', '8', 'busybox', 'sh', '-c', 'i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); echo started $i; done']);
  assert.match(r.stderr, /can't fork/);
  assert.equal(r.stdout.trim().split('\n').length, 7, r.stdout);
  const max = await e.docker(['run', '--rm', '--pids-limit', '8', 'busybox', 'cat', '/sys/fs/cgroup/pids/pids.max']);
  assert.equal(max.stdout.trim(), '8');
});

test('cpu and shm limits reach the cgroup and /dev/shm', opts, async () => {
  const r = await e.docker(['run', '--rm', '--cpus', '0.5', '--shm-size', '8m', 'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us; df -k /dev/shm | tail -1']);
  assert.equal(r.code, 0, r.stderr);
  const [quota, period, shm] = r.stdout.trim().split('\n');
  assert.equal(Number(quota) / Number(period), 0.5);
  assert.match(shm, /\s8192\s/);
});

test('exit codes: the command\'s, 127 unknown command, 126 not executable; --rm removes', opts, async () => {
  assert.equal((await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 42'])).code, 42);
  const missing = await e.docker(['run', '--rm', 'busybox', 'no-such-command']);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /executable file not found/);
  const notExec = await e.docker(['run', '--rm', 'busybox', '/etc/passwd']);
  assert.equal(notExec.code, 126, notExec.stderr);
  assert.match(notExec.stderr, /permission denied/);
  assert.equal((await e.docker(['ps', '-aq'])).stdout.trim(), '', '--rm left no container, also after failed starts');
});

test('bad input gets clear errors: unknown image, bad port spec, bad memory, name conflict 409, exec in a stopped container', opts, async () => {
  await assert.rejects(e.client.createContainer({ Image: 'no-such-image:1' }), (err: { statusCode: number; message: string }) => err.statusCode === 404 && /No such image: no-such-image:1/.test(err.message));
  await assert.rejects(e.client.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { PortBindings: { 'eighty/tcp': [{ HostPort: '8080' }] } } }), (err: { statusCode: number; message: string }) => err.statusCode === 400 && /invalid port specification: "eighty"/.test(err.message));
  await assert.rejects(e.client.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 'x1' }] } } }), (err: { statusCode: number; message: string }) => err.statusCode === 400 && /invalid port specification: "x1"/.test(err.message));
  await assert.rejects(e.client.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { Memory: 1024 } }), (err: { statusCode: number; message: string }) => err.statusCode === 400 && /Minimum memory limit allowed is 6MB/.test(err.message));
  await assert.rejects(e.client.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { Memory: -5 } }), (err: { statusCode: number }) => err.statusCode === 400);
  const cliMem = await e.docker(['run', '--rm', '-m', 'lots', 'busybox', 'true']);
  assert.notEqual(cliMem.code, 0);
  assert.match(cliMem.stderr, /invalid/);
  assert.equal((await e.docker(['create', '--name', 'dup', 'busybox', 'true'])).code, 0);
  await assert.rejects(e.client.createContainer({ Image: 'busybox', Cmd: ['true'], name: 'dup' }), (err: { statusCode: number; message: string }) => err.statusCode === 409 && /The container name "\/dup" is already in use/.test(err.message));
  const dup = await e.docker(['create', '--name', 'dup', 'busybox', 'true']);
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /already in use/);
  const ex = await e.docker(['exec', 'dup', 'true']);
  assert.notEqual(ex.code, 0);
  assert.match(ex.stderr, /is not running/);
  await assert.rejects(e.client.getContainer('dup').exec({ Cmd: ['true'] }), (err: { statusCode: number }) => err.statusCode === 409);
  await assert.rejects(e.client.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { RestartPolicy: { Name: 'sometimes' as 'no' } } }), (err: { statusCode: number }) => err.statusCode === 400);
  await assert.rejects(e.client.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': 'huge' } } } }), (err: { statusCode: number; message: string }) => err.statusCode === 400 && /max-size/.test(err.message));
  await assert.rejects(e.client.getContainer('nope').inspect(), (err: { statusCode: number; message: string }) => err.statusCode === 404 && /No such container: nope/.test(err.message));
  await e.docker(['rm', 'dup']);
});

test('config options reach the container: sysctl, ulimit, read-only root, tmpfs, init, hosts, dns, workdir, env, user, privileged', opts, async () => {
  const r = await e.docker(['run', '--rm', '--sysctl', 'net.ipv4.ip_forward=1', '--ulimit', 'nofile=100:200', '--read-only', '--tmpfs', '/scratch:size=1m',
    '--init', '--add-host', 'foo:1.2.3.4', '--dns', '9.9.9.9', '--dns-search', 'example.org', '-w', '/newdir', '-e', 'A=b', '-u', '1000:1000', 'busybox', 'sh', '-c',
    'cat /proc/sys/net/ipv4/ip_forward; ulimit -n; ulimit -Hn; touch /x 2>&1; touch /scratch/ok && echo tmpfs-ok; cat /proc/1/comm; grep foo /etc/hosts; cat /etc/resolv.conf; pwd; echo $A; id -u; id -g']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, ['1', '100', '200', 'touch: /x: Read-only file system', 'tmpfs-ok', 'docker-init', '1.2.3.4\tfoo', 'search example.org', 'nameserver 9.9.9.9', '/newdir', 'b', '1000', '1000', ''].join('\n'));
  // --privileged: every capability the daemon itself holds (a sandbox may withhold some).
  const bounding = /^CapBnd:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  const priv = await e.docker(['run', '--rm', '--privileged', 'busybox', 'grep', 'CapEff', '/proc/self/status']);
  assert.equal(priv.code, 0, priv.stderr);
  assert.equal(priv.stdout.trim().split(/\s+/)[1], bounding);
});
