// Fault injection (needs root, runc, the docker CLI, dist/ built): for each operation, the daemon is
// killed with kill -9 at points chosen by a seed (a delay after the operation was sent), started
// again, and the store is checked: the daemon starts; every listed image runs; every container
// inspects, stops and removes; no mount is left under the root; no temp file survives a second start.
// `npm test` runs one kill point per operation; `npm run test:faults` (BERTH_FAULTS=full) runs
// BERTH_FAULT_POINTS (default 4) per operation. BERTH_FAULT_SEED picks the points (printed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';
import type { RunResult } from '../../helpers/daemon.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../registry/helpers/local-registry.js';

const opts = engineTestOptions();
const full = process.env.BERTH_FAULTS === 'full';
const POINTS = full ? Number(process.env.BERTH_FAULT_POINTS ?? 4) : 1;
const SEED = Number(process.env.BERTH_FAULT_SEED ?? 22);
let e: Engine;
let registry: LocalRegistry | undefined;
/** A four-layer image (busybox and three of the build context's) on the local registry, for pull. */
let pullable = '';
const scratch = mkdtempSync(join(tmpdir(), 'berth-faults-'));

const random = seededRandom(SEED);

before(async () => {
  if (opts.skip) return;
  e = await startEngine();
  // An archive for load, a context for build, a file for cp.
  assert.equal((await e.docker(['save', '-o', join(scratch, 'busybox.tar'), 'busybox'])).code, 0);
  const ctx = join(scratch, 'ctx');
  execFileSync('mkdir', ['-p', ctx]);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN dd if=/dev/zero of=/blob bs=1M count=4 2>/dev/null\nCOPY f /f\nRUN echo built > /built\n');
  writeFileSync(join(ctx, 'f'), Buffer.alloc(1 << 20, 1));
  writeFileSync(join(scratch, 'cpfile'), Buffer.alloc(4 << 20, 2));
  const found = registryOrSkip();
  if ('binary' in found) {
    registry = await startLocalRegistry(found.binary);
    pullable = `${registry.host}/faults/multi:1`;
    const built = await e.docker(['build', '-q', '-t', pullable, ctx]);
    assert.equal(built.code, 0, built.stderr);
    const pushed = await e.docker(['push', pullable]);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.equal((await e.docker(['rmi', pullable])).code, 0);
  }
});
after(async () => { await e?.dispose(); await registry?.stop(); rmSync(scratch, { recursive: true, force: true }); });

let n = 0;
const uniq = (p: string): string => `${p}-${++n}`;
const rootfsTar = async (): Promise<Buffer> => (await import('../../../scripts/lib/busybox-rootfs.mjs')).busyboxRootfsTar();

interface Operation {
  name: string;
  /** Makes what the operation acts on (before the kill window). */
  setup?: () => Promise<string>;
  /** The operation; its result is ignored (it may have been cut off). */
  run: (target: string) => Promise<RunResult>;
  /** Checks of its own after the restart, on top of the common invariants. */
  recovered?: (target: string, what: string) => Promise<void>;
  /** Why it cannot run here (a missing program), or undefined. */
  skip?: () => string | undefined;
}

const container = async (args: string[] = ['sleep', '1000']): Promise<string> => {
  const name = uniq('flt');
  const r = await e.docker(['create', '--network', 'none', '--name', name, 'busybox', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return name;
};
const ran = async (): Promise<string> => {
  const name = uniq('flt');
  const r = await e.docker(['run', '--network', 'none', '--name', name, 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/w bs=1M count=8 2>/dev/null']);
  assert.equal(r.code, 0, r.stderr);
  return name;
};

const OPERATIONS: Operation[] = [
  { name: 'load', run: () => e.docker(['load', '-i', join(scratch, 'busybox.tar')]) },
  { name: 'import', run: async () => e.docker(['import', '-', uniq('flt-imp')], { input: await rootfsTar() }) },
  { name: 'build', run: () => e.docker(['build', '-q', '-t', uniq('flt-build'), join(scratch, 'ctx')]) },
  { name: 'create', run: () => e.docker(['create', '--network', 'none', '--name', uniq('flt'), '-v', '/anon', 'busybox', 'true']) },
  { name: 'start', setup: () => container(), run: (c) => e.docker(['start', c]) },
  { name: 'stop', setup: async () => { const c = await container(); await e.docker(['start', c]); return c; }, run: (c) => e.docker(['stop', '-t', '1', c]) },
  { name: 'rm', setup: () => ran(), run: (c) => e.docker(['rm', c]) },
  { name: 'cp in', setup: () => ran(), run: (c) => e.docker(['cp', join(scratch, 'cpfile'), `${c}:/cpfile`]) },
  { name: 'cp out', setup: () => ran(), run: (c) => e.docker(['cp', `${c}:/w`, join(scratch, uniq('out'))]) },
  { name: 'export', setup: () => ran(), run: (c) => e.docker(['export', '-o', join(scratch, uniq('export')), c]) },
  { name: 'commit', setup: () => ran(), run: (c) => e.docker(['commit', c, uniq('flt-commit')]) },
  {
    name: 'pull',
    skip: () => (registry ? undefined : 'docker-registry is not installed'),
    // Not present before: every layer but busybox's is downloaded and unpacked in the kill window.
    setup: async () => { await e.docker(['rmi', '-f', pullable]); return pullable; },
    run: (name) => e.docker(['pull', name]),
    recovered: async (name, what) => {
      // No half layer: every layer folder is a committed one (it has its layer.json).
      const halves = readdirSync(join(e.root, 'layers')).filter((d) => !existsSync(join(e.root, 'layers', d, 'layer.json')));
      assert.deepEqual(halves, [], `${what}: layer folders without layer.json`);
      const again = await e.docker(['pull', name]);
      assert.equal(again.code, 0, `${what}: the pull again: ${again.stderr}`);
      const run = await e.docker(['run', '--rm', '--network', 'none', name, 'cat', '/built']);
      assert.equal(run.stdout, 'built\n', `${what}: the pulled image: ${run.stderr}`);
    },
  },
  { name: 'volume create', run: () => e.docker(['volume', 'create', uniq('flt-vol')]) },
  { name: 'volume rm', setup: async () => { const v = uniq('flt-vol'); await e.docker(['volume', 'create', v]); return v; }, run: (v) => e.docker(['volume', 'rm', v]) },
  { name: 'network create', run: () => e.docker(['network', 'create', uniq('flt-net')]) },
  { name: 'network rm', setup: async () => { const v = uniq('flt-net'); await e.docker(['network', 'create', v]); return v; }, run: (v) => e.docker(['network', 'rm', v]) },
];

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m): m is string => Boolean(m) && m.startsWith(`${dir}/`));
}

function tempFilesUnder(dir: string): string[] {
  return execFileSync('find', [dir, '-xdev', '-name', '*.tmp', '-not', '-path', '*/upper/*', '-not', '-path', '*/diff/*', '-not', '-path', '*/_data/*']).toString().split('\n').filter(Boolean);
}

/** The invariants after a restart; `what` names the kill point in messages. */
async function checkInvariants(what: string): Promise<void> {
  const images = (await e.docker(['images', '-q'])).stdout.split('\n').filter(Boolean);
  for (const id of new Set(images)) {
    const r = await e.docker(['run', '--rm', '--network', 'none', id, 'true']);
    assert.equal(r.code, 0, `${what}: image ${id} does not run: ${r.stderr}`);
  }
  for (const id of (await e.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean)) {
    assert.equal((await e.docker(['inspect', id])).code, 0, `${what}: container ${id} does not inspect`);
    const stop = await e.docker(['stop', '-t', '0', id]);
    assert.equal(stop.code, 0, `${what}: container ${id} does not stop: ${stop.stderr}`);
    const rm = await e.docker(['rm', '-v', id]);
    assert.equal(rm.code, 0, `${what}: container ${id} does not remove: ${rm.stderr}`);
  }
  assert.deepEqual(mountsUnder(e.root), [], `${what}: mounts left under the root`);
  // A second start: whatever the first left in tmp/ (removals in flight) is gone, and no temp file anywhere.
  await e.crash();
  await e.restart();
  await eventually(`${what}: tmp/ empty after a second start`, async () => (readdirSync(join(e.root, 'tmp')).length === 0 ? true : undefined));
  assert.deepEqual(tempFilesUnder(e.root), [], `${what}: temp files left`);
  assert.equal((await e.docker(['version', '-f', '{{.Server.Version}}'])).code, 0);
}

for (const op of OPERATIONS) {
  test(`kill -9 during ${op.name}: ${POINTS} point(s), seed ${SEED}`, opts, async (t) => {
    const why = op.skip?.();
    if (why) return t.skip(why);
    for (let i = 0; i < POINTS; i++) {
      const delayMs = Math.floor(random() * 400);
      const what = `${op.name}, killed ${delayMs} ms in`;
      const target = op.setup ? await op.setup() : '';
      const running = op.run(target);
      await new Promise((r) => setTimeout(r, delayMs));
      await e.crash();
      await running;
      await e.restart();
      await op.recovered?.(target, what);
      await checkInvariants(what);
    }
  });
}
