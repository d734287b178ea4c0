// The builder's entry point into the runtime: one-shot tasks with real runc (needs root).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxLayer, requireRoot } from '../containers/busybox-rootfs.js';
import { NetworkService } from '../../../runtime/network/network-service.js';
import { TaskRunner } from '../../../runtime/tasks/task-runner.js';
import { OciRuntime } from '../../../runtime/oci/oci-runtime.js';
import { openSecurityContext } from '../../../runtime/security/daemon-security.js';
import { makeSnapshotter } from '../../../runtime/snapshots/choose-snapshotter.js';


const opts = requireRoot();
const root = mkdtempSync(join(tmpdir(), 'berth-task-'));
const layer = opts.skip ? '' : makeBusyboxLayer(join(root, 'layer'));
const networks = new NetworkService(root, () => undefined, `bt${process.pid % 10000}`);
const snapshotter = makeSnapshotter({ driver: 'overlay2', rootless: false, runtimeMountsOverlay: true, scratch: root });
const runner = new TaskRunner({ runtime: new OciRuntime('runc'), networks, cgroupParent: 'berth-test', security: openSecurityContext(undefined, 'runc'), snapshotter });
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function dir(): string { return join(root, `t${n++}`); }

test('runs a command, streams output, returns the exit code and the upper dir', opts, async () => {
  await networks.init();
  let out = '';
  let err = '';
  const r = await runner.run({
    dir: dir(), layerDirs: [layer], config: { Cmd: ['sh', '-c', 'echo hi; echo oops >&2; id -u; pwd; echo $FOO; exit 4'], Env: ['FOO=bar'], WorkingDir: '/tmp', User: 'app' },
    hostConfig: { NetworkMode: 'none' },
    onOutput: (s, d) => { if (s === 'stdout') out += d; else err += d; },
  });
  assert.equal(r.exitCode, 4);
  assert.equal(out, 'hi\n1000\n/tmp\nbar\n');
  assert.equal(err, 'oops\n');
  assert.equal(r.oomKilled, false);
});

test('writes land in the upper dir, deletions as whiteouts; stdin is fed', opts, async () => {
  const d = dir();
  let out = '';
  const r = await runner.run({
    dir: d, layerDirs: [layer], config: { Cmd: ['sh', '-c', 'cat > /data.txt; rm /etc/group; cat /data.txt'] }, hostConfig: { NetworkMode: 'none' },
    stdin: Buffer.from('from stdin\n'), onOutput: (_s, b) => { out += b; },
  });
  assert.equal(r.exitCode, 0);
  assert.equal(out, 'from stdin\n');
  assert.equal(readFileSync(join(r.upperDir, 'data.txt'), 'utf8'), 'from stdin\n');
  assert.ok(existsSync(join(r.upperDir, 'etc/group')), 'whiteout for the deleted file');
  assert.ok(existsSync(join(layer, 'etc/group')), 'the layer is untouched');
});

test('an unknown executable is an error naming it', opts, async () => {
  await assert.rejects(runner.run({ dir: dir(), layerDirs: [layer], config: { Cmd: ['/no/such'] }, hostConfig: { NetworkMode: 'none' } }), /could not be started.*no such file/i);
});

test('a task on top of an earlier upper dir sees its files (layers stack)', opts, async () => {
  const first = await runner.run({ dir: dir(), layerDirs: [layer], config: { Cmd: ['sh', '-c', 'echo one > /one'] }, hostConfig: { NetworkMode: 'none' } });
  let out = '';
  const second = await runner.run({ dir: dir(), layerDirs: [layer, first.upperDir], config: { Cmd: ['cat', '/one'] }, hostConfig: { NetworkMode: 'none' }, onOutput: (_s, b) => { out += b; } });
  assert.equal(second.exitCode, 0);
  assert.equal(out, 'one\n');
});

test('abort kills the task', opts, async () => {
  const ac = new AbortController();
  const running = runner.run({ dir: dir(), layerDirs: [layer], config: { Cmd: ['sh', '-c', 'echo started; sleep 100'] }, hostConfig: { NetworkMode: 'none' }, signal: ac.signal, onOutput: () => ac.abort() });
  const r = await running;
  assert.equal(r.exitCode, 137);
});
