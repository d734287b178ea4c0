// Containers in their own user namespace on kernels without idmapped overlay layers (before 6.15,
// such as Debian 12's 6.1): the snapshotter's fallback gives the root shifted ids through
// fuse-overlayfs's uidmapping/gidmapping. This kernel has idmapped layers, so the fallback is forced
// with BERTH_ID_SHIFT=fuse-uidmapping (runtime/snapshots/shifted-roots.ts). Needs root, runc, the
// docker CLI, dist/ built and fuse-overlayfs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mountPointsUnder } from '../../../runtime/fs/mount-table.js';
import { hasExecutable, inCI } from '../../helpers/prereqs.js';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';

const base = engineTestOptions();
const fuse = hasExecutable('/usr/bin/fuse-overlayfs');
if (!fuse && inCI) throw new Error('prerequisite missing: fuse-overlayfs (CI=true, so this fails instead of skipping)');
const opts = base.skip ? base : fuse ? {} : { skip: 'needs fuse-overlayfs' };
let e: Engine;
const scratch = mkdtempSync(join(tmpdir(), 'berth-userns-fb-'));
before(async () => {
  if (opts.skip) return;
  e = await startEngine({ args: ['--userns', 'auto'], daemonEnv: { BERTH_ID_SHIFT: 'fuse-uidmapping' } });
  // Runc makes the container's mounts as its root, which is nobody on the host: the way must be open.
  chmodSync(dirname(e.root), 0o711);
});
after(async () => {
  await e?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

async function ok(args: string[]): Promise<string> {
  const r = await e.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('with the fallback a container in its own user namespace sees root-owned files, writes, and its writes are owned by its shifted ids on disk', opts, async () => {
  await ok(['run', '-d', '--name', 'fb', 'busybox', 'sleep', '300']);
  const [inside, outside, count] = (await ok(['exec', 'fb', 'cat', '/proc/self/uid_map'])).trim().split(/\s+/).map(Number);
  assert.deepEqual([inside, count], [0, 65536]);
  assert.ok(outside >= 65536, `root maps to host id ${outside}`);
  assert.equal((await ok(['exec', 'fb', 'stat', '-c', '%u:%g', '/bin/busybox', '/etc'])).trim(), '0:0\n0:0', 'image files are root\'s inside');
  await ok(['exec', 'fb', 'sh', '-c', 'echo new > /root/new && echo more >> /etc/group && mkdir -p /srv/app && chown 1000:1000 /srv/app']);
  assert.equal((await ok(['exec', 'fb', 'stat', '-c', '%u:%g', '/root/new', '/srv/app'])).trim(), '0:0\n1000:1000');
  const id = (await ok(['inspect', '-f', '{{.Id}}', 'fb'])).trim();
  const upper = join(e.root, 'containers', id, 'upper');
  const owner = (p: string): [number, number] => { const st = lstatSync(join(upper, p)); return [st.uid, st.gid]; };
  assert.deepEqual(owner('root/new'), [outside, outside], 'a new file is owned by the container\'s root on the host');
  assert.deepEqual(owner('etc/group'), [outside, outside], 'a copied-up layer file keeps the shifted owner');
  assert.deepEqual(owner('srv/app'), [outside + 1000, outside + 1000]);
  assert.ok(!existsSync(join(upper, 'bin')), 'no layer file was copied up');
  // The shifted layers are a fuse-overlayfs mount beside the root while the container runs.
  const rootfs = join(e.root, 'containers', id, 'bundle', 'rootfs');
  assert.ok(mountPointsUnder(join(e.root, 'containers', id)).includes(`${rootfs}.layers`));
  // docker cp reads through the same fallback and carries the container's ids.
  const tar = await e.docker(['cp', 'fb:/root/new', '-']);
  assert.equal(tar.code, 0, tar.stderr);
  await ok(['stop', '-t', '1', 'fb']);
  await eventually('the root and its shifted layers unmounted at the exit', async () => (mountPointsUnder(join(e.root, 'containers', id)).length ? undefined : true));
  await ok(['start', 'fb']);
  assert.equal((await ok(['exec', 'fb', 'cat', '/root/new'])).trim(), 'new', 'the writes are there after a restart');
  await ok(['rm', '-f', 'fb']);
  assert.ok(!existsSync(join(e.root, 'containers', id)));
});

test('docker info still lists name=userns', opts, async () => {
  assert.match(await ok(['info', '--format', '{{json .SecurityOptions}}']), /name=userns/);
});
