import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { unpackLayer } from '../../../runtime/layers/unpack.js';
import { isRoot, requireOrSkip } from '../../helpers/prereqs.js';
import { makeTar } from '../../helpers/tar-builder.js';

const base = mkdtempSync(join(tmpdir(), 'berth-unpack-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(base, `l${n++}`);
const unpack = (buf: Buffer, dest: string, lowerDirs: string[] = []) => unpackLayer(Readable.from([buf]), dest, { lowerDirs });

test('files, dirs, modes, mtimes, symlinks and hard links are kept; diff ID is the sha256 of the tar', async () => {
  const mtime = new Date('2020-02-02T02:02:02Z');
  const buf = await makeTar([
    { name: 'etc/', type: 'directory', mode: 0o750, mtime },
    { name: 'etc/conf', content: 'hello', mode: 0o640, mtime },
    { name: 'bin/tool', content: '#!/bin/sh\n', mode: 0o4755 },
    { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
    { name: 'etc/rel', type: 'symlink', linkname: '../bin/tool' },
    { name: 'etc/hard', type: 'link', linkname: 'etc/conf' },
  ]);
  const dest = fresh();
  const r = await unpack(buf, dest);
  assert.equal(r.diffId, `sha256:${createHash('sha256').update(buf).digest('hex')}`);
  assert.equal(r.diffSize, buf.length);
  assert.equal(readFileSync(join(dest, 'etc/conf'), 'utf8'), 'hello');
  assert.equal(statSync(join(dest, 'etc/conf')).mode & 0o7777, 0o640);
  assert.equal(statSync(join(dest, 'etc')).mode & 0o7777, 0o750);
  assert.equal(statSync(join(dest, 'bin/tool')).mode & 0o7777, 0o4755);
  assert.equal(statSync(join(dest, 'etc/conf')).mtime.getTime(), mtime.getTime());
  assert.equal(statSync(join(dest, 'etc')).mtime.getTime(), mtime.getTime(), 'directory mtime survives its children');
  assert.equal(readlinkSync(join(dest, 'bin/sh')), '/bin/busybox');
  assert.equal(readlinkSync(join(dest, 'etc/rel')), '../bin/tool');
  assert.equal(statSync(join(dest, 'etc/hard')).ino, statSync(join(dest, 'etc/conf')).ino);
});

test('owners are kept when running as root', async (t) => {
  if (!requireOrSkip(t, isRoot, 'root (to chown unpacked files)')) return;
  const dest = fresh();
  await unpack(await makeTar([{ name: 'f', content: 'x', uid: 1234, gid: 5678 }, { name: 'l', type: 'symlink', linkname: 'f', uid: 42, gid: 43 }]), dest);
  assert.equal(statSync(join(dest, 'f')).uid, 1234);
  assert.equal(statSync(join(dest, 'f')).gid, 5678);
  assert.equal(lstatSync(join(dest, 'l')).uid, 42);
});

test('gzip layers are detected and decompressed; the diff ID is of the uncompressed tar', async () => {
  const plain = await makeTar([{ name: 'a', content: 'A' }]);
  const gz = await makeTar([{ name: 'a', content: 'A' }], { gzip: true });
  const dest = fresh();
  const r = await unpack(gz, dest);
  assert.equal(r.diffId, `sha256:${createHash('sha256').update(plain).digest('hex')}`);
  assert.equal(readFileSync(join(dest, 'a'), 'utf8'), 'A');
});

test('whiteouts become overlay whiteouts (0/0 character devices)', async (t) => {
  if (!requireOrSkip(t, isRoot, 'root (to create whiteout device nodes)')) return;
  const lower = fresh();
  await unpack(await makeTar([{ name: 'a/b', content: 'b' }, { name: 'a/c', content: 'c' }]), lower);
  const upper = fresh();
  await unpack(await makeTar([{ name: 'a/.wh.b', content: '' }, { name: 'a/d', content: 'd' }]), upper, [lower]);
  const st = lstatSync(join(upper, 'a/b'));
  assert.ok(st.isCharacterDevice(), 'a/b is a whiteout');
  assert.equal(st.rdev, 0);
  assert.ok(!existsSync(join(upper, 'a/.wh.b')));
  assert.ok(!existsSync(join(upper, 'a/c')));
});

test('opaque directories hide every lower entry, also inside shared subdirectories', async (t) => {
  if (!requireOrSkip(t, isRoot, 'root (to create whiteout device nodes)')) return;
  const lower = fresh();
  await unpack(await makeTar([{ name: 'd/x', content: 'x' }, { name: 'd/y/z', content: 'z' }, { name: 'other', content: 'o' }]), lower);
  const upper = fresh();
  await unpack(await makeTar([{ name: 'd/', type: 'directory' }, { name: 'd/.wh..wh..opq', content: '' }, { name: 'd/y/new', content: 'n' }]), upper, [lower]);
  assert.ok(lstatSync(join(upper, 'd/x')).isCharacterDevice());
  assert.ok(lstatSync(join(upper, 'd/y/z')).isCharacterDevice());
  assert.equal(readFileSync(join(upper, 'd/y/new'), 'utf8'), 'n');
  assert.ok(!existsSync(join(upper, 'other')));
  assert.ok(!existsSync(join(upper, 'd/.wh..wh..opq')));
});

for (const [what, entries, message] of [
  ['a name with ..', [{ name: '../evil', content: 'x' }], /contains "\.\."/],
  ['a nested name with ..', [{ name: 'a/../../evil', content: 'x' }], /contains "\.\."/],
  ['an absolute path', [{ name: '/etc/evil', content: 'x' }], /absolute path/],
  ['a symlink climbing out', [{ name: 'l', type: 'symlink', linkname: '../../../etc' }], /points outside the layer/],
  ['a hard link to outside', [{ name: 'h', type: 'link', linkname: '../etc/passwd' }], /outside the layer/],
  ['a write through a symlink', [{ name: 'l', type: 'symlink', linkname: '/etc' }, { name: 'l/passwd', content: 'x' }], /goes through the symlink/],
] as const) {
  test(`rejects ${what}`, async () => {
    const dest = fresh();
    await assert.rejects(unpack(await makeTar(entries as never), dest), message);
  });
}

test('truncated tar and truncated gzip fail with a clear error', async () => {
  const big = await makeTar([{ name: 'f', content: Buffer.alloc(100_000, 1) }]);
  await assert.rejects(unpack(big.subarray(0, 5000), fresh()), /not a valid tar/);
  const gz = await makeTar([{ name: 'f', content: Buffer.alloc(100_000, 1) }], { gzip: true });
  await assert.rejects(unpack(gz.subarray(0, gz.length - 20), fresh()), /not a valid tar \(or gzip\)/);
});
