// One conformance suite for every snapshotter (runtime/snapshots/): overlayfs (mounted by the OCI
// runtime from the spec; here the test mounts the spec mount as runc would), daemon-mounted (crun),
// fuse-overlayfs, and roots with shifted ids made either way (idmapped layers, fuse-overlayfs's
// uidmapping). Needs root (mounts) and fuse-overlayfs; with CI=true a missing one fails.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, test, type TestContext } from 'node:test';
import { isMountPoint } from '../../../runtime/fs/overlay-mount.js';
import { mountPointsUnder } from '../../../runtime/fs/mount-table.js';
import { chooseStorageDriver, makeSnapshotter, type SnapshotterNeeds } from '../../../runtime/snapshots/choose-snapshotter.js';
import { forcedIdShift, ShiftedRoots } from '../../../runtime/snapshots/shifted-roots.js';
import type { IdShift, IdShiftMethod, PreparedRoot, RootRequest, Snapshotter } from '../../../runtime/snapshots/snapshotter.js';
import { ensureUserns, releaseUserns } from '../../../runtime/userns/namespace-files.js';
import { hasExecutable, isRoot, requireOrSkip } from '../../helpers/prereqs.js';

const scratch = mkdtempSync(join(tmpdir(), 'berth-snapshots-'));
after(() => {
  for (const m of mountPointsUnder(scratch)) execFileSync('umount', ['-l', m]);
  rmSync(scratch, { recursive: true, force: true });
});

const fuseInstalled = hasExecutable('/usr/bin/fuse-overlayfs');

function ready(t: TestContext): boolean {
  return requireOrSkip(t, isRoot, 'root (mounts)') && requireOrSkip(t, fuseInstalled, 'fuse-overlayfs (apt-get install fuse-overlayfs)');
}

let n = 0;
/** Two image layers: bottom has a, d/ (owned 5:5), gone; top has b and a whiteout for gone. */
function layers(): { top: string; bottom: string; dir: string } {
  const dir = join(scratch, `case-${n++}`);
  const bottom = join(dir, 'l0');
  const top = join(dir, 'l1');
  mkdirSync(join(bottom, 'd'), { recursive: true });
  mkdirSync(top, { recursive: true });
  writeFileSync(join(bottom, 'a'), 'bottom a\n');
  writeFileSync(join(bottom, 'gone'), 'deleted by the top layer\n');
  chownSync(join(bottom, 'd'), 5, 5);
  writeFileSync(join(top, 'b'), 'top b\n');
  writeFileSync(join(top, 'a'), 'top a\n');
  // A whiteout as the layer store keeps it: a 0/0 character device.
  execFileSync('mknod', [join(top, 'gone'), 'c', '0', '0']);
  for (const d of ['upper', 'work', 'target']) mkdirSync(join(dir, d));
  return { top, bottom, dir };
}

/** What the OCI runtime would do with a spec mount; nothing for a mounted root. */
function asRuntime(root: PreparedRoot, target: string): void {
  if (root.kind === 'mounted') {
    assert.equal(root.path, target);
    return;
  }
  assert.equal(root.mount.destination, '/');
  execFileSync('mount', ['-t', root.mount.type, root.mount.source, '-o', root.mount.options.join(','), target]);
}

/** A whiteout in an upper directory: overlayfs's 0/0 device, or fuse-overlayfs's .wh. file. */
function hasWhiteout(upper: string, name: string): boolean {
  const st = (() => { try { return lstatSync(join(upper, name)); } catch { return undefined; } })();
  if (st?.isCharacterDevice() && st.rdev === 0) return true;
  return readdirSync(upper).includes(`.wh.${name}`);
}

interface Case { label: string; make: () => Snapshotter; shift?: IdShiftMethod }

const needs = (over: Partial<SnapshotterNeeds>): SnapshotterNeeds => ({ driver: 'overlay2', rootless: false, runtimeMountsOverlay: true, scratch, ...over });

const cases: Case[] = [
  { label: 'overlayfs (mounted by the runtime)', make: () => makeSnapshotter(needs({})) },
  { label: 'daemon-mounted (crun)', make: () => makeSnapshotter(needs({ runtimeMountsOverlay: false })) },
  { label: 'fuse-overlayfs', make: () => makeSnapshotter(needs({ driver: 'fuse-overlayfs' })) },
];

for (const c of cases) {
  describe(`snapshotter ${c.label}`, () => {
    test('is what was asked for', (t) => {
      if (!ready(t)) return;
      const s = c.make();
      assert.equal(s.driver, c.label.startsWith('fuse') ? 'fuse-overlayfs' : 'overlay2');
    });

    test('a writable root: layers merged top first, whiteouts hide, writes and deletions land in the upper directory', async (t) => {
      if (!ready(t)) return;
      const s = c.make();
      const { top, bottom, dir } = layers();
      const req: RootRequest = { layers: [top, bottom], upper: join(dir, 'upper'), work: join(dir, 'work'), target: join(dir, 'target') };
      const root = await s.prepare(req);
      assert.equal(root.kind, s.name === 'overlayfs' ? 'spec-mount' : 'mounted');
      asRuntime(root, req.target);
      try {
        assert.equal(readFileSync(join(req.target, 'a'), 'utf8'), 'top a\n');
        assert.equal(readFileSync(join(req.target, 'b'), 'utf8'), 'top b\n');
        assert.ok(existsSync(join(req.target, 'd')));
        assert.ok(!existsSync(join(req.target, 'gone')), 'the whiteout hides the bottom layer\'s file');
        writeFileSync(join(req.target, 'new'), 'written\n');
        rmSync(join(req.target, 'b'));
        assert.equal(readFileSync(join(req.upper!, 'new'), 'utf8'), 'written\n');
        assert.ok(hasWhiteout(req.upper!, 'b'), 'a deletion is a whiteout in the upper directory');
        assert.ok(existsSync(join(top, 'b')), 'the layer itself is untouched');
      } finally {
        await s.release(req.target);
      }
      assert.ok(!isMountPoint(req.target), 'nothing is left mounted');
      await s.release(req.target);
    });

    test('a read-only view with the upper directory above the layers', async (t) => {
      if (!ready(t)) return;
      const s = c.make();
      const { top, bottom, dir } = layers();
      writeFileSync(join(dir, 'upper', 'mine'), 'from the container\n');
      const target = join(dir, 'target');
      assert.equal(await s.mount({ layers: [top, bottom], above: [join(dir, 'upper')], target }), target);
      try {
        assert.equal(readFileSync(join(target, 'mine'), 'utf8'), 'from the container\n');
        assert.equal(readFileSync(join(target, 'a'), 'utf8'), 'top a\n');
        assert.throws(() => writeFileSync(join(target, 'x'), 'no'), /EROFS|read-only/);
      } finally {
        await s.release(target);
      }
      assert.ok(!isMountPoint(target));
    });

    test('mount replaces a stale root on its target; release is safe where nothing is mounted', async (t) => {
      if (!ready(t)) return;
      const s = c.make();
      const { top, bottom, dir } = layers();
      const req: RootRequest = { layers: [top, bottom], upper: join(dir, 'upper'), work: join(dir, 'work'), target: join(dir, 'target') };
      await s.mount(req);
      await s.mount(req);
      assert.equal(mountPointsUnder(dir).length, 1, `one mount: ${mountPointsUnder(dir).join(', ')}`);
      await s.release(req.target);
      assert.deepEqual(mountPointsUnder(dir), []);
      await s.release(join(dir, 'never-mounted'));
    });

    test('a root without layers is refused with a clear error', async (t) => {
      if (!ready(t)) return;
      const s = c.make();
      const { dir } = layers();
      await assert.rejects(s.prepare({ layers: [], upper: join(dir, 'upper'), work: join(dir, 'work'), target: join(dir, 'target') }), /the image has no layers to run/);
      await assert.rejects(s.prepare({ layers: [join(dir, 'l0')], upper: join(dir, 'upper'), target: join(dir, 'target') }), /work directory/);
    });
  });
}

const BASE = 1_900_000_000;

for (const method of ['idmapped', 'fuse-uidmapping'] as IdShiftMethod[]) {
  describe(`id-shifted roots through ${method}`, () => {
    const make = (): Snapshotter => makeSnapshotter(needs({ idShift: method }));

    async function shift(t: TestContext, dir: string): Promise<IdShift | undefined> {
      if (!ready(t)) return undefined;
      if (method === 'idmapped') {
        const probed = await new ShiftedRoots(scratch).method().catch((err: Error) => err.message);
        if (!requireOrSkip(t, probed === 'idmapped', `a kernel with idmapped overlay layers (Linux 6.15+): ${probed}`)) return undefined;
      }
      const ns = join(dir, 'userns');
      const map = { uid: BASE, gid: BASE, size: 65536 };
      return { ...map, userns: async () => { await ensureUserns(ns, map); return ns; } };
    }

    test('layer files show with the shifted owner; writes and copy-ups land in the upper directory with the shifted ids', async (t) => {
      const { top, bottom, dir } = layers();
      const idShift = await shift(t, dir);
      if (!idShift) return;
      const s = make();
      assert.equal(await s.idShiftMethod(), method);
      const req: RootRequest = { layers: [top, bottom], upper: join(dir, 'upper'), work: join(dir, 'work'), target: join(dir, 'target'), idShift };
      const root = await s.prepare(req);
      assert.equal(root.kind, 'mounted', 'shifted roots are mounted by the daemon');
      try {
        assert.equal(lstatSync(join(req.target, 'a')).uid, BASE);
        assert.equal(lstatSync(join(req.target, 'd')).uid, BASE + 5);
        assert.equal(lstatSync(join(req.target, 'd')).gid, BASE + 5);
        assert.ok(!existsSync(join(req.target, 'gone')));
        appendFileSync(join(req.target, 'a'), 'more\n');
        const copied = lstatSync(join(req.upper!, 'a'));
        assert.deepEqual([copied.uid, copied.gid], [BASE, BASE], 'the copy-up keeps the shifted owner on disk');
        assert.equal(lstatSync(join(bottom, 'a')).uid, 0, 'the layer keeps its own ids');
        assert.equal(readFileSync(join(top, 'a'), 'utf8'), 'top a\n', 'the layer is not written');
      } finally {
        await s.release(req.target);
        if (existsSync(join(dir, 'userns'))) await releaseUserns(join(dir, 'userns'));
      }
      assert.deepEqual(mountPointsUnder(dir), [], 'the root and anything beside it are unmounted');
      assert.ok(!existsSync(`${req.target}.layers`), 'nothing is left beside the target');
    });

    test('a read-only view shows the upper directory as it is and the layers shifted', async (t) => {
      const { top, bottom, dir } = layers();
      const idShift = await shift(t, dir);
      if (!idShift) return;
      const s = make();
      writeFileSync(join(dir, 'upper', 'mine'), 'x');
      chownSync(join(dir, 'upper', 'mine'), BASE + 7, BASE + 7);
      const target = join(dir, 'target');
      await s.mount({ layers: [top, bottom], above: [join(dir, 'upper')], target, idShift });
      try {
        assert.equal(lstatSync(join(target, 'mine')).uid, BASE + 7, 'the upper directory is not shifted again');
        assert.equal(lstatSync(join(target, 'b')).uid, BASE);
        assert.throws(() => writeFileSync(join(target, 'x'), 'no'), /EROFS|read-only/);
      } finally {
        await s.release(target);
        if (existsSync(join(dir, 'userns'))) await releaseUserns(join(dir, 'userns'));
      }
      assert.deepEqual(mountPointsUnder(dir), []);
    });
  });
}

describe('the choice at start', () => {
  test('as root: overlay2, fuse-overlayfs refused (it is for rootless mode); crun gets daemon-mounted roots', async () => {
    const log = (): void => undefined;
    assert.equal(await chooseStorageDriver({ rootless: false, scratch, log }), 'overlay2');
    await assert.rejects(chooseStorageDriver({ rootless: false, storageDriver: 'fuse-overlayfs', scratch, log }), /fuse-overlayfs is for rootless mode/);
    assert.equal(makeSnapshotter(needs({})).name, 'overlayfs');
    assert.equal(makeSnapshotter(needs({ runtimeMountsOverlay: false })).name, 'daemon-mounted');
    assert.equal(makeSnapshotter(needs({ driver: 'fuse-overlayfs', runtimeMountsOverlay: false })).name, 'fuse-overlayfs');
    assert.equal(makeSnapshotter(needs({ rootless: true })).markXattrs, 'user');
    assert.equal(makeSnapshotter(needs({})).markXattrs, 'trusted');
  });

  test('BERTH_ID_SHIFT forces a way of shifting ids; an unknown one is an error naming the choices', async () => {
    assert.equal(forcedIdShift({}), undefined);
    assert.equal(forcedIdShift({ BERTH_ID_SHIFT: 'fuse-uidmapping' }), 'fuse-uidmapping');
    assert.throws(() => forcedIdShift({ BERTH_ID_SHIFT: 'copy' }), /BERTH_ID_SHIFT="copy": use idmapped or fuse-uidmapping/);
    assert.equal(await new ShiftedRoots(scratch, 'fuse-uidmapping').method(), 'fuse-uidmapping');
  });

  test('a rootless daemon\'s spec mount keeps overlay marks in user.* xattrs (userxattr)', async (t) => {
    if (!ready(t)) return;
    const { top, bottom, dir } = layers();
    const root = await makeSnapshotter(needs({ rootless: true })).prepare({ layers: [top, bottom], upper: join(dir, 'upper'), work: join(dir, 'work'), target: join(dir, 'target') });
    assert.equal(root.kind, 'spec-mount');
    assert.ok(root.kind === 'spec-mount' && root.mount.options.includes('userxattr'));
  });
});
