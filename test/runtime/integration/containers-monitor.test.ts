// The monitor runs real containers with runc (needs root): output, exit codes, log file, OOM, TTY.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeBusyboxLayer, requireRoot } from '../containers/busybox-rootfs.js';
import { buildSpec } from '../../../runtime/tasks/oci-spec.js';
import { openSecurityContext } from '../../../runtime/security/daemon-security.js';
import { containerPaths, createLayout, writeBundle, hostsFile } from '../../../runtime/tasks/bundle.js';
import { SparePool, connectMonitor, type MonitorSession } from '../../../runtime/monitor/monitor-client.js';
import type { ExitRecord } from '../../../runtime/monitor/protocol.js';
import type { ContainerConfig, HostConfig } from '../../../runtime/containers/api-types.js';

const opts = requireRoot();
const root = mkdtempSync(join(tmpdir(), 'berth-mon-'));
const layer = opts.skip ? '' : makeBusyboxLayer(join(root, 'layer'));
const pool = new SparePool({ execPath: process.execPath, args: ['--import', 'tsx', join(__dirname, '../../../runtime/monitor/main.ts')] }, root);
// A spare being warmed may still create its socket while the folder goes: retry.
after(async () => { await pool.close(); rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }); });

async function run(config: ContainerConfig, hostConfig: HostConfig = {}): Promise<{ id: string; dir: string; session: MonitorSession }> {
  const id = `t${randomBytes(6).toString('hex')}`;
  const p = containerPaths(join(root, id));
  await createLayout(p);
  writeFileSync(p.hosts, hostsFile('box', undefined));
  writeFileSync(p.resolvConf, 'nameserver 8.8.8.8\n');
  writeFileSync(p.hostname, 'box\n');
  const spec = buildSpec({
    id, config, hostConfig, image: {}, user: { uid: 0, gid: 0, additionalGids: [] }, rootMount: { destination: '/', type: 'overlay', source: 'overlay', options: [`lowerdir=${layer}`, `upperdir=${p.upper}`, `workdir=${p.work}`] },
    etcFiles: { hosts: p.hosts, resolvConf: p.resolvConf, hostname: p.hostname }, network: { mode: 'none' }, hostname: 'box', mounts: [], cgroupParent: 'berth-test',
    security: openSecurityContext(undefined, 'runc'),
  });
  await writeBundle(p, spec);
  const session = await pool.launch({
    id, containerDir: p.dir, bundleDir: p.bundle, runtime: 'runc', tty: Boolean(config.Tty), openStdin: Boolean(config.OpenStdin), stdinOnce: Boolean(config.StdinOnce),
    log: { path: p.log, maxSize: 0, maxFile: 1 }, memoryCgroup: `/sys/fs/cgroup/memory/berth-test/${id}`,
  });
  return { id, dir: p.dir, session };
}

function collect(session: MonitorSession): Promise<{ out: string; err: string; exit: ExitRecord }> {
  let out = '';
  let err = '';
  session.on('stdout', (d: Buffer) => { out += d.toString(); });
  session.on('stderr', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve) => session.on('close', (exit: ExitRecord) => resolve({ out, err, exit })));
}

test('runs a container, streams stdout/stderr, records exit code and log', opts, async () => {
  const { dir, session } = await run({ Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
  const r = await collect(session);
  assert.equal(r.out, 'out\n');
  assert.equal(r.err, 'err\n');
  assert.equal(r.exit.exitCode, 3);
  assert.equal(JSON.parse(readFileSync(join(dir, 'exit.json'), 'utf8')).exitCode, 3);
  const lines = readFileSync(join(dir, 'container.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.stream, l.log]).sort(), [['stderr', 'err\n'], ['stdout', 'out\n']]);
  assert.match(lines[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
});

test('isolation: pid 1, hostname, CapEff, masked /proc/kcore, writes stay in upper', opts, async () => {
  const { dir, session } = await run({ Cmd: ['sh', '-c', 'echo pid=$$; hostname; grep CapEff /proc/self/status; cat /proc/kcore | wc -c; cat /proc/kcore; echo x > /written'] });
  const r = await collect(session);
  assert.match(r.out, /pid=1\n/, r.err);
  assert.match(r.out, /\nbox\n/);
  assert.match(r.out, /CapEff:\s+00000000a80425fb/);
  assert.match(r.out, /\n0\n/);
  assert.equal(readFileSync(join(dir, 'upper/written'), 'utf8'), 'x\n');
  assert.ok(!existsSync(join(layer, 'written')));
});

test('a start failure is an error, not output', opts, async () => {
  const { session } = await run({ Cmd: ['/no/such/binary'] });
  await assert.rejects(session.waitStarted(), /no such file or directory|not found/);
});

test('memory hog is OOM killed and recorded', opts, async () => {
  const { session } = await run({ Cmd: ['tail', '/dev/zero'] }, { Memory: 16 << 20, MemorySwap: 16 << 20 });
  const r = await collect(session);
  assert.equal(r.exit.exitCode, 137);
  assert.equal(r.exit.oomKilled, true);
});

test('stdin, attach from a second client, tty', opts, async () => {
  const { dir, session } = await run({ Cmd: ['sh', '-c', 'read line; echo got:$line; echo done'], OpenStdin: true, StdinOnce: true });
  const started = await session.waitStarted();
  assert.ok(started.pid > 0);
  const second = await connectMonitor(dir, { stdin: false, stdout: true, stderr: true });
  const secondOut = collect(second);
  session.writeStdin(Buffer.from('hello\n'));
  session.endStdin();
  const r = await collect(session);
  assert.equal(r.out, 'got:hello\ndone\n');
  assert.equal((await secondOut).out, 'got:hello\ndone\n');
  const tty = await run({ Cmd: ['sh', '-c', 'test -t 1 && echo is-a-tty; stty size'], Tty: true, OpenStdin: false }, { ConsoleSize: [30, 100] });
  const t = await collect(tty.session);
  assert.match(t.out, /is-a-tty\r\n/);
  assert.equal(t.exit.exitCode, 0);
});
