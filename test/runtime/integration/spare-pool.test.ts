// Monitor hosts (needs root, runc): a burst of starts is served by the host kept ready, without a
// process per container; a host full of containers hands over to the next one, started ahead, and
// lets go of its process once its last container has exited (the daemon's share per host is 64;
// here it is 4).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeBusyboxLayer, requireRoot } from '../containers/busybox-rootfs.js';
import { eventually } from '../containers/engine-fixture.js';
import { buildSpec } from '../../../runtime/tasks/oci-spec.js';
import { openSecurityContext } from '../../../runtime/security/daemon-security.js';
import { containerPaths, createLayout, writeBundle, hostsFile } from '../../../runtime/tasks/bundle.js';
import { SparePool } from '../../../runtime/monitor/monitor-client.js';

const opts = requireRoot();
const root = mkdtempSync(join(tmpdir(), 'berth-spares-'));
const layer = opts.skip ? '' : makeBusyboxLayer(join(root, 'layer'));
const PER_HOST = 4;
const pool = new SparePool({ execPath: process.execPath, args: ['--import', 'tsx', join(__dirname, '../../../runtime/monitor/main.ts')] }, root, PER_HOST);
after(async () => { await pool.close(); rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }); });

/** Monitor host processes of this pool (their control sockets are in its folder). */
function hostProcesses(): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try { if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${root}/host-`)) n++; } catch { /* gone */ }
  }
  return n;
}

async function runOnce(cmd: string[]): Promise<number> {
  const id = `s${randomBytes(6).toString('hex')}`;
  const p = containerPaths(join(root, id));
  await createLayout(p);
  writeFileSync(p.hosts, hostsFile('box', undefined));
  writeFileSync(p.resolvConf, 'nameserver 8.8.8.8\n');
  writeFileSync(p.hostname, 'box\n');
  const spec = buildSpec({
    id, config: { Cmd: cmd }, hostConfig: {}, image: {}, user: { uid: 0, gid: 0, additionalGids: [] }, rootMount: { destination: '/', type: 'overlay', source: 'overlay', options: [`lowerdir=${layer}`, `upperdir=${p.upper}`, `workdir=${p.work}`] },
    etcFiles: { hosts: p.hosts, resolvConf: p.resolvConf, hostname: p.hostname }, network: { mode: 'none' }, hostname: 'box', mounts: [], cgroupParent: 'berth-test',
    security: openSecurityContext(undefined, 'runc'),
  });
  await writeBundle(p, spec);
  const session = await pool.launch({
    id, containerDir: p.dir, bundleDir: p.bundle, runtime: 'runc', tty: false, openStdin: false, stdinOnce: false,
    log: { path: p.log, maxSize: 0, maxFile: 1 }, memoryCgroup: `/sys/fs/cgroup/memory/berth-test/${id}`,
  });
  const started = await session.waitStarted();
  await new Promise((resolve) => session.on('close', resolve));
  return Number(readFileSync(join(p.dir, 'monitor.pid'), 'utf8')) || started.pid;
}

test('a burst of starts is served by the ready host; a full host hands over and exits after its last container', opts, async () => {
  pool.warm();
  await eventually('the first host', async () => (pool.idle === 1 ? true : undefined));
  assert.equal(hostProcesses(), 1);
  // Six containers at once, each running a while so they overlap: four on the first host, two on the next.
  const hosts = await Promise.all(Array.from({ length: 6 }, () => runOnce(['sleep', '1'])));
  const distinct = new Set(hosts);
  assert.equal(distinct.size, 2, `containers per host: ${JSON.stringify(hosts)}`);
  assert.deepEqual([...distinct].map((h) => hosts.filter((x) => x === h).length).sort(), [2, 4]);
  // The full host is let go once its containers are gone; the second stays ready for the next start.
  await eventually('one host process left', async () => (hostProcesses() === 1 && pool.idle === 1 ? true : undefined), 30_000)
    .catch((err: Error) => { throw new Error(`${err.message}: ready ${pool.idle}, host processes ${hostProcesses()}`); });
  assert.equal(await runOnce(['true']), [...distinct].find((h) => hosts.filter((x) => x === h).length === 2));
});
