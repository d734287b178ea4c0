// A rootless daemon on fuse-overlayfs, the root filesystems of kernels before 5.11 (which cannot
// mount overlayfs in a user namespace). This kernel can, so the daemon is asked for it with
// `--storage-driver fuse-overlayfs`; the code path is the one an older kernel takes after its probe.
// What differs from the kernel's overlayfs: the daemon mounts each root itself (runc cannot mount a
// FUSE file system) and the monitor unmounts it at the exit; a RUN's deletions come out of the upper
// directory in fuse-overlayfs's own marks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inCI } from '../../helpers/prereqs.js';
import { makeTar } from '../../helpers/tar-builder.js';
import { importBusyboxRootless, rootlessTestOptions, startRootlessEngine, type RootlessEngine } from '../rootless/rootless-fixture.js';

const base = rootlessTestOptions();
// The test user opens /dev/fuse: Debian's udev makes it 0666, VMs without udev may leave it 0600 (.ci/run opens it).
const fuseMissing = !existsSync('/usr/bin/fuse-overlayfs') ? 'fuse-overlayfs (apt-get install fuse-overlayfs)'
  : !existsSync('/dev/fuse') ? '/dev/fuse'
  : (statSync('/dev/fuse').mode & 0o006) !== 0o006 ? '/dev/fuse open to ordinary users (chmod 0666 /dev/fuse)' : undefined;
if (fuseMissing && inCI) throw new Error(`prerequisite missing: ${fuseMissing} (CI=true, so this fails instead of skipping)`);
const opts = base.skip ? base : fuseMissing ? { skip: `needs ${fuseMissing}` } : {};

let e: RootlessEngine;
before(async () => {
  if (opts.skip) return;
  e = await startRootlessEngine({ daemonArgs: ['--storage-driver', 'fuse-overlayfs'] });
  await importBusyboxRootless(e);
});
after(async () => { await e?.dispose(); });

/** fuse-overlayfs mounts in the daemon's mount namespace, seen through the process holding it. */
function fuseMounts(): string[] {
  const holder = readFileSync(join(e.base, '.local', 'share', 'berth', 'run', 'namespaces.pid'), 'utf8').trim();
  return readFileSync(`/proc/${holder}/mountinfo`, 'utf8').split('\n').filter((l) => / - fuse\.fuse-overlayfs /.test(l)).map((l) => l.split(' ')[4]);
}

test('docker info names the driver; a container runs on it, as another user too, and its writes stay in it', opts, async () => {
  assert.equal((await e.docker(['info', '--format', '{{.Driver}}'])).stdout.trim(), 'fuse-overlayfs');
  const r = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'grep " / " /proc/self/mountinfo | grep -o "fuse.fuse-overlayfs"; echo kept > /etc/written; cat /etc/written']);
  assert.equal(r.stdout, 'fuse.fuse-overlayfs\nkept\n', r.stderr + e.log());
  const other = await e.docker(['run', '--rm', '--user', '1000:1000', 'busybox', 'sh', '-c', 'id -u; cat /etc/passwd | head -1; ls /etc/written 2>&1 || true']);
  assert.match(other.stdout, /^1000\nroot:/, other.stderr);
  assert.match(other.stdout, /No such file/);
  assert.deepEqual(fuseMounts(), [], 'nothing stays mounted after --rm');
});

test('stop and start mount the root again; cp into a stopped container; rm -f unmounts', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'fz', 'busybox', 'sh', '-c', 'echo one >> /count; exec sleep 300'])).code, 0);
  assert.equal(fuseMounts().length, 1);
  assert.equal((await e.docker(['stop', '-t', '1', 'fz'])).code, 0);
  assert.deepEqual(fuseMounts(), [], 'the monitor unmounts at the exit');
  const cp = await e.docker(['cp', '-', 'fz:/'], { input: await makeTar([{ name: 'copied.txt', content: 'in a stopped one\n' }]) });
  assert.equal(cp.code, 0, cp.stderr);
  assert.equal((await e.docker(['start', 'fz'])).code, 0);
  const seen = await e.docker(['exec', 'fz', 'sh', '-c', 'cat /count /copied.txt']);
  assert.equal(seen.stdout, 'one\none\nin a stopped one\n', seen.stderr + e.log());
  assert.equal((await e.docker(['rm', '-f', 'fz'])).code, 0);
  assert.deepEqual(fuseMounts(), []);
});

test('build: a RUN that deletes a file and replaces a directory gives the same image as on overlayfs', opts, async () => {
  const dockerfile = [
    'FROM busybox',
    'RUN mkdir -p /data/old && echo a > /data/old/a && echo keep > /data/keep && echo gone > /data/gone',
    'RUN rm /data/gone && rm -rf /data/old && mkdir /data/old && echo b > /data/old/b',
    'CMD ["sh", "-c", "ls -R /data; cat /data/keep /data/old/b"]',
  ].join('\n');
  const build = await e.docker(['build', '-t', 'fz-build', '-'], { input: Buffer.from(dockerfile) });
  assert.equal(build.code, 0, build.stderr + build.stdout + e.log());
  const run = await e.docker(['run', '--rm', 'fz-build']);
  assert.equal(run.stdout, '/data:\nkeep\nold\n\n/data/old:\nb\nkeep\nb\n', run.stderr);
  assert.equal((await e.docker(['rmi', 'fz-build'])).code, 0);
});
