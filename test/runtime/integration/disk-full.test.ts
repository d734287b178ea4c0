// berthd on a small tmpfs root that fills up (needs root, runc, the docker CLI, dist/ built): every
// write answers "no space left on device" naming the root, the daemon stays up, a container whose
// output fills the disk keeps running and its exit code is recorded, the daemon starts on a full
// root and says so, and once space is freed everything works again. Containers use --network none: the
// point is the disk, and a shared test machine may have no free bridge subnet left.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';
import { registryOrSkip, startLocalRegistry } from '../registry/helpers/local-registry.js';

const opts = engineTestOptions();
const mnt = mkdtempSync(join(tmpdir(), 'berth-full-'));
const root = join(mnt, 'root');
const filler = join(mnt, 'filler');
let e: Engine;
let mounted = false;

before(async () => {
  if (opts.skip) return;
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]);
  mounted = true;
  mkdirSync(root);
  e = await startEngine({ root });
});
after(async () => {
  await e?.dispose();
  if (mounted) execFileSync('umount', ['-l', mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

/** Fills the tmpfs to the last byte. */
function fill(): void {
  try { writeFileSync(filler, Buffer.alloc(80 << 20)); } catch { /* ENOSPC: full now */ }
  for (let i = 0; ; i++) {
    try { writeFileSync(`${filler}.${i}`, Buffer.alloc(4096)); } catch { break; }
  }
}
function free(): void {
  for (const f of readdirSync(mnt)) if (f.startsWith('filler')) rmSync(join(mnt, f), { force: true });
}

const NO_SPACE = new RegExp(`no space left on device: .*${root.replace(/[/.]/g, '\\$&')}`);

test('writes on a full root answer "no space left on device" with the root; the daemon stays up; all works once freed', opts, async () => {
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const rootfs = await busyboxRootfsTar();
  fill();
  try {
    for (let i = 0; i < 3; i++) {
      const imp = await e.docker(['import', '-', `full-imp:${i}`], { input: rootfs });
      assert.notEqual(imp.code, 0);
      assert.match(imp.stderr, NO_SPACE, 'import');
      assert.match(imp.stderr, /unpacking a layer/);
    }
    const save = join(tmpdir(), `berth-full-save-${process.pid}.tar`);
    free();
    assert.equal((await e.docker(['save', '-o', save, 'busybox'])).code, 0);
    fill();
    const load = await e.docker(['load', '-i', save]);
    rmSync(save, { force: true });
    assert.notEqual(load.code, 0);
    assert.match(load.stderr, NO_SPACE, 'load');
    assert.doesNotMatch(load.stderr, /not a valid tar/);
    // build, commit and cp into a container write layers and files under the root.
    free();
    const ctx = join(mnt, '..', `berth-full-ctx-${process.pid}`);
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN dd if=/dev/zero of=/blob bs=1M count=100\n');
    writeFileSync(join(ctx, 'payload'), Buffer.alloc(2 << 20, 3));
    assert.equal((await e.docker(['create', '--network', 'none', '--name', 'full-cp', 'busybox', 'true'])).code, 0);
    fill();
    const build = await e.docker(['build', '-q', '-t', 'full-build', ctx]);
    assert.notEqual(build.code, 0);
    assert.match(build.stdout + build.stderr, /no space left on device: storing the build context in the engine's root/, 'build');
    assert.doesNotMatch(build.stdout + build.stderr, /not a valid tar/);
    const cp = await e.docker(['cp', join(ctx, 'payload'), 'full-cp:/payload']);
    assert.notEqual(cp.code, 0);
    assert.match(cp.stderr, NO_SPACE, 'cp into a container');
    const commit = await e.docker(['commit', 'full-cp', 'full-commit']);
    if (commit.code !== 0) assert.match(commit.stderr, /no space left on device/, 'commit');
    rmSync(ctx, { recursive: true, force: true });
    const create = await e.docker(['create', '--network', 'none', '--name', 'full-create', 'busybox', 'true']);
    assert.notEqual(create.code, 0);
    assert.match(create.stderr, /no space left on device/, 'create');
    const vol = await e.docker(['volume', 'create', 'full-vol']);
    if (vol.code !== 0) assert.match(vol.stderr, /no space left on device/, 'volume create');
    const net = await e.docker(['network', 'create', 'full-net']);
    if (net.code !== 0) assert.match(net.stderr, /no space left on device/, 'network create');
    assert.equal((await e.docker(['version', '-f', '{{.Server.Version}}'])).code, 0, 'the daemon is alive');
  } finally {
    free();
  }
  assert.equal((await e.docker(['ps', '-a', '--filter', 'name=full-create', '-q'])).stdout, '', 'no half-made container is listed');
  assert.equal((await e.docker(['run', '--rm', '--network', 'none', 'busybox', 'echo', 'ok'])).stdout, 'ok\n');
  assert.match((await e.docker(['import', '-', 'full-imp:after'], { input: rootfs })).stdout, /^sha256:/);
  await e.docker(['rm', 'full-cp']);
  await e.docker(['rmi', 'full-commit']);
  await e.docker(['volume', 'rm', 'full-vol']);
  await e.docker(['network', 'rm', 'full-net']);
});

test('pull onto a full root: no space left naming the layer and the image, nothing half-stored, the daemon stays up; the pull works once space is freed', opts, async (t) => {
  const found = registryOrSkip();
  if ('skip' in found) return t.skip(found.skip);
  const registry = await startLocalRegistry(found.binary);
  const ctx = join(mnt, '..', `berth-full-pull-${process.pid}`);
  try {
    // An image whose top layer (1 MB of random bytes) is not in the store: the pull must write it.
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nCOPY unique /unique\n');
    writeFileSync(join(ctx, 'unique'), randomBytes(1 << 20));
    const name = `${registry.host}/full/pull:1`;
    const built = await e.docker(['build', '-q', '-t', name, ctx]);
    assert.equal(built.code, 0, built.stderr);
    assert.equal((await e.docker(['push', name])).code, 0);
    assert.equal((await e.docker(['rmi', name])).code, 0);
    const layersBefore = readdirSync(join(root, 'layers')).sort();

    fill();
    // Room for the config and the folders (256 kB), not for the layer.
    truncateSync(filler, statSync(filler).size - (256 << 10));
    const pull = await e.docker(['pull', name]);
    assert.notEqual(pull.code, 0);
    const said = pull.stdout + pull.stderr;
    assert.match(said, new RegExp(`no space left on device: (storing|unpacking) layer sha256:[0-9a-f]{12} of ${name.replace(/[.]/g, '\\.')} in the engine's root ${root.replace(/[/.]/g, '\\$&')} failed; free space`), said);
    assert.equal((await e.docker(['version', '-f', '{{.Server.Version}}'])).code, 0, 'the daemon is alive');
    assert.equal((await e.docker(['images', '-q', name])).stdout, '', 'no image recorded');
    assert.deepEqual(readdirSync(join(root, 'layers')).sort(), layersBefore, 'no half layer');
    assert.deepEqual(readdirSync(join(root, 'tmp')), [], 'no temp file left by the failed pull');
    free();
    const again = await e.docker(['pull', name]);
    assert.equal(again.code, 0, again.stderr);
    const run = await e.docker(['run', '--rm', '--network', 'none', name, 'wc', '-c', '/unique']);
    assert.equal(run.stdout.trim(), `${1 << 20} /unique`, run.stderr);
    assert.equal((await e.docker(['rmi', name])).code, 0);
  } finally {
    free();
    rmSync(ctx, { recursive: true, force: true });
    await registry.stop();
  }
});

test('start, stop, restart and rm on a full root name the container and what was being done when they fail', opts, async (t) => {
  assert.equal((await e.docker(['create', '--network', 'none', '--name', 'full-start', 'busybox', 'sleep', '100'])).code, 0);
  assert.equal((await e.docker(['run', '-d', '--network', 'none', '--name', 'full-stop', 'busybox', 'sleep', '100'])).code, 0);
  fill();
  try {
    const results: [string, { code: number; stderr: string }][] = [
      ['start', await e.docker(['start', 'full-start'])],
      ['restart', await e.docker(['restart', '-t', '0', 'full-stop'])],
      ['stop', await e.docker(['stop', '-t', '0', 'full-stop'])],
      ['rm', await e.docker(['rm', '-f', 'full-start'])],
    ];
    for (const [op, r] of results) t.diagnostic(`${op}: ${r.code} ${r.stderr.trim()}`);
    // Some may succeed (nothing to write); every failure says what it was doing, with the root.
    for (const [op, r] of results) {
      if (r.code === 0) continue;
      assert.match(r.stderr, /no space left on device: .*container full-(start|stop).* in the engine's root /, `${op}: ${r.stderr}`);
    }
    assert.ok(results.some(([, r]) => r.code !== 0), `something failed on a full disk: ${JSON.stringify(results)}`);
    assert.equal((await e.docker(['version', '-f', '{{.Server.Version}}'])).code, 0, 'the daemon is alive');
  } finally {
    free();
  }
  await e.docker(['rm', '-f', 'full-start', 'full-stop']);
});

test('a container whose output fills the disk keeps running; its exit code is recorded; a marker line follows', opts, async () => {
  // Room to free later: the container's own log holds the rest of the disk, open, so removing it frees nothing.
  writeFileSync(filler, Buffer.alloc(8 << 20));
  // Writes more than the disk holds, waits for the go-ahead file, writes one more line, exits 3.
  const run = await e.docker(['run', '-d', '--network', 'none', '--name', 'full-out', 'busybox', 'sh', '-c',
    'yes 0123456789012345678901234567890123456789 | head -c 100000000; while [ ! -e /go ]; do sleep 0.1; done; echo last; exit 3']);
  assert.equal(run.code, 0, run.stderr);
  // 100 MB through a 64 MB disk: once it waits for /go (a sleep in its process list), output was dropped.
  await eventually('the output written', async () => ((await e.docker(['top', 'full-out'])).stdout.includes('sleep') ? true : undefined), 300_000);
  assert.equal((await e.docker(['inspect', '-f', '{{.State.Status}}', 'full-out'])).stdout.trim(), 'running');
  // The monitor may still be draining the last of the pipe (up to 1 MiB) into the full log, cutting
  // back what does not fit: wait until the log file stops changing, so no page frees after fill().
  const id = (await e.docker(['inspect', '-f', '{{.Id}}', 'full-out'])).stdout.trim();
  const logFile = join(root, 'containers', id, 'container.log');
  let last = -1;
  await eventually('the log settled', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const size = statSync(logFile, { throwIfNoEntry: false })?.size ?? 0;
    const settled = size === last;
    last = size;
    return settled ? true : undefined;
  }, 120_000);
  // An exec cannot start (its process file cannot be written): it says why, with runc's code for a failed exec.
  fill(); // the log's cut-back writes leave a little room
  const ex = await e.docker(['exec', 'full-out', 'true']);
  assert.equal(ex.code, 126, ex.stderr);
  assert.match(ex.stderr, /no space left on device: starting an exec process/);
  // Space back: the container is told to finish.
  free();
  const cp = await e.docker(['exec', 'full-out', 'touch', '/go']);
  assert.equal(cp.code, 0, cp.stderr);
  const waited = await e.docker(['wait', 'full-out']);
  assert.equal(waited.stdout.trim(), '3', `${waited.stderr} ${e.log().slice(-3000)}`);
  assert.equal((await e.docker(['inspect', '-f', '{{.State.ExitCode}}', 'full-out'])).stdout.trim(), '3');
  const logs = await e.docker(['logs', 'full-out']);
  assert.match(logs.stderr, /\[berth\] \d+ log entries of this container were dropped .*no space left on device/,
    `stdout ${logs.stdout.length} bytes, ends ${JSON.stringify(logs.stdout.slice(-100))}; monitors: ${readFileSync(join(root, 'run', 'monitors.log'), 'utf8').slice(-1500)}`);
  assert.equal((await e.docker(['rm', 'full-out'])).code, 0);
});

test('the daemon starts on a full root, says so, and works once space is freed', opts, async () => {
  await e.crash();
  fill();
  try {
    const before = e.log().length;
    await e.restart();
    assert.match(e.log().slice(before), /the file system of the root .* is full/);
    assert.equal((await e.docker(['images', '-q', 'busybox'])).code, 0);
    fill(); // the start removed leftovers in tmp/, which freed some space
    const run = await e.docker(['run', '--rm', '--network', 'none', 'busybox', 'true']);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /no space left on device/);
  } finally {
    free();
  }
  assert.equal((await e.docker(['run', '--rm', '--network', 'none', 'busybox', 'echo', 'back'])).stdout, 'back\n');
  await e.crash();
  await e.restart();
  assert.deepEqual(readdirSync(join(root, 'tmp')), [], 'no temp file survives a second start');
  assert.deepEqual(readdirSync(root).filter((n) => n.endsWith('.tmp')), [], 'no lock temp file');
});
