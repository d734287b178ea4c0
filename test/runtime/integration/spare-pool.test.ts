// Spare monitors (needs root, runc): a burst of starts raises the pool above one idle spare, and a
// quiet interval brings it back to one, with the extra monitor processes gone (the daemon's interval
// is a minute; here it is shortened).
import { after, test } from 'node:test';
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
const QUIET_MS = 5000;
const pool = new SparePool({ execPath: process.execPath, args: ['--import', 'tsx', join(__dirname, '../../../runtime/monitor/main.ts')] }, root, QUIET_MS);
after(async () => { await pool.close(); rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }); });

/** Spare monitor processes waiting on a socket of this pool. */
function spareProcesses(): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try { if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${root}/spare-`)) n++; } catch { /* gone */ }
  }
  return n;
}

async function runOnce(): Promise<void> {
  const id = `s${randomBytes(6).toString('hex')}`;
  const p = containerPaths(join(root, id));
  await createLayout(p);
  writeFileSync(p.hosts, hostsFile('box', undefined));
  writeFileSync(p.resolvConf, 'nameserver 8.8.8.8\n');
  writeFileSync(p.hostname, 'box\n');
  const spec = buildSpec({
    id, config: { Cmd: ['true'] }, hostConfig: {}, image: {}, user: { uid: 0, gid: 0, additionalGids: [] }, rootMount: { destination: '/', type: 'overlay', source: 'overlay', options: [`lowerdir=${layer}`, `upperdir=${p.upper}`, `workdir=${p.work}`] },
    etcFiles: { hosts: p.hosts, resolvConf: p.resolvConf, hostname: p.hostname }, network: { mode: 'none' }, hostname: 'box', mounts: [], cgroupParent: 'berth-test',
    security: openSecurityContext(undefined, 'runc'),
  });
  await writeBundle(p, spec);
  const session = await pool.launch({
    id, containerDir: p.dir, bundleDir: p.bundle, runtime: 'runc', tty: false, openStdin: false, stdinOnce: false,
    log: { path: p.log, maxSize: 0, maxFile: 1 }, memoryCgroup: `/sys/fs/cgroup/memory/berth-test/${id}`,
  });
  await new Promise((resolve) => session.on('close', resolve));
}

test('a burst of starts grows the spare pool; a quiet interval shrinks it back to one spare', opts, async () => {
  pool.warm();
  await eventually('the first spare', async () => (pool.idle === 1 ? true : undefined));
  const burst = Promise.all(Array.from({ length: 6 }, () => runOnce()));
  // Starts that found no spare ready raise the pool's size; it stays raised for the quiet interval.
  await eventually('the pool to grow', async () => (pool.wanted > 1 ? true : undefined), 60_000);
  await burst;
  await eventually('one idle spare after a quiet interval', async () => (pool.wanted === 1 && pool.idle === 1 && spareProcesses() === 1 ? true : undefined), 60_000)
    .catch((err: Error) => { throw new Error(`${err.message}: idle ${pool.idle}, spare processes ${spareProcesses()}`); });
});
