// The build context: plain and gzip tars indexed (not unpacked) with hostile entries refused,
// contents read back from the tar, .dockerignore applied, the Dockerfile found.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { BuildContext } from '../../../runtime/builder/context/build-context.js';
import { contextEntryPath, indexContext } from '../../../runtime/builder/context/context-index.js';
import { TarTree } from '../../../runtime/builder/context/tar-tree.js';
import { readPath } from '../../../runtime/builder/fs/file-tree.js';
import { TempSpace } from '../../../runtime/fs/temp-dir.js';
import { contextTar } from './helpers/build-request.js';

const root = mkdtempSync(join(tmpdir(), 'berth-ctx-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const file = (): string => join(root, `c${n++}.tar`);

async function tree(entries: Parameters<typeof contextTar>[0], gzip = false): Promise<TarTree> {
  const body = await contextTar(entries);
  const f = file();
  return new TarTree(f, await indexContext(Readable.from([gzip ? gzipSync(body) : body]), f));
}

test('entry names: clean relative paths; ".." refused', () => {
  assert.equal(contextEntryPath('./a/./b/'), 'a/b');
  assert.equal(contextEntryPath('/abs/x'), 'abs/x');
  assert.throws(() => contextEntryPath('a/../../etc/passwd'), /has an entry "a\/..\/..\/etc\/passwd" with "..", which would place it outside the context/);
});

test('files, folders, modes, symlinks and hard links read back from the tar; hashes follow content and mode', async () => {
  const t = await tree([
    { name: 'dir/', type: 'directory', mode: 0o750 },
    { name: 'dir/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
    { name: 'same.txt', content: 'x' },
    { name: 'same-mode.txt', content: 'x', mode: 0o600 },
    { name: 'empty', content: '' },
    { name: 'link', type: 'symlink', linkname: 'dir/run.sh' },
    { name: 'hard', type: 'link', linkname: 'dir/run.sh' },
    { name: 'implicit/parent/file', content: 'deep', uid: 1000, gid: 1000 },
    { name: 'big', content: Buffer.alloc(3 << 20, 7) },
  ], true);
  assert.deepEqual(await t.readdir(''), ['big', 'dir', 'empty', 'hard', 'implicit', 'link', 'same-mode.txt', 'same.txt']);
  assert.equal((await t.lstat('dir'))?.stat.mode, 0o750);
  assert.equal((await t.lstat('dir/run.sh'))?.stat.mode, 0o755);
  assert.equal((await t.lstat('implicit/parent'))?.type, 'dir');
  assert.equal((await t.lstat('implicit/parent/file'))?.stat.uid, 1000);
  assert.equal((await readPath(t, 'link'))?.toString(), '#!/bin/sh\n', 'symlinks resolve inside the context');
  assert.equal((await readPath(t, 'hard'))?.toString(), '#!/bin/sh\n');
  assert.equal((await readPath(t, 'empty'))?.length, 0);
  const big = (await t.lstat('big'))!;
  assert.equal((await t.read(big)).length, 3 << 20);
  let streamed = 0;
  for await (const c of t.open(big)) streamed += (c as Buffer).length;
  assert.equal(streamed, 3 << 20);
  assert.notEqual(t.hashOf('same.txt'), t.hashOf('same-mode.txt'), 'the mode is part of the hash');
  assert.equal(t.hashOf('hard'), t.hashOf('dir/run.sh'));
  await t.close();
});

test('a later entry of the same name wins, a folder replaced by a file loses its content', async () => {
  const t = await tree([{ name: 'a/x', content: '1' }, { name: 'a', content: 'now a file' }, { name: 'b', content: 'old' }, { name: 'b', content: 'new' }]);
  assert.equal((await t.lstat('a'))?.type, 'file');
  assert.equal(await t.lstat('a/x'), undefined);
  assert.equal((await readPath(t, 'b'))?.toString(), 'new');
  await t.close();
});

test('hostile entries fail the build with a message naming them', async () => {
  const cases: [Parameters<typeof contextTar>[0], RegExp][] = [
    [[{ name: '../escape.txt', content: 'x' }], /entry "..\/escape.txt" with ".."/],
    [[{ name: 'evil', type: 'symlink', linkname: '/tmp' }, { name: 'evil/planted', content: 'x' }], /entry "evil\/planted" below the symlink "evil"; refusing to build/],
    [[{ name: 'h', type: 'link', linkname: '../../etc/passwd' }], /with ".."/],
    [[{ name: 'h', type: 'link', linkname: 'missing' }], /hard link "h" to "missing", which is not an earlier file of the context/],
  ];
  for (const [entries, message] of cases) await assert.rejects(tree(entries), message);
});

test('a tar without its end blocks (docker build -f - DIR sends one) is read; one cut inside a file is not', async () => {
  const body = await contextTar([{ name: 'Dockerfile', content: 'FROM x\n' }, { name: '.dockerignore', content: 'y'.repeat(47) }]);
  const cut = body.subarray(0, 512 + 512 + 512 + 47); // headers and data of both, no padding, no end blocks
  const f = file();
  const t = new TarTree(f, await indexContext(Readable.from([cut]), f));
  assert.equal((await readPath(t, '.dockerignore'))?.toString(), 'y'.repeat(47));
  await t.close();
  const inside = await contextTar([{ name: 'data', content: Buffer.alloc(600, 1) }]);
  await assert.rejects(indexContext(Readable.from([inside.subarray(0, 512 + 100)]), file()), /not a valid tar stream: it ends inside "data"/);
});

test('a truncated or garbage context is an error, not a hang', async () => {
  const body = await contextTar([{ name: 'big', content: Buffer.alloc(100_000, 1) }]);
  await assert.rejects(indexContext(Readable.from([body.subarray(0, 20_000)]), file()), /not a valid tar stream/);
  await assert.rejects(indexContext(Readable.from([Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6])]), file()), /gzip|not a valid tar/);
});

test('BuildContext: Dockerfile (or dockerfile) found, .dockerignore applied, ignored Dockerfile leaves the context', async () => {
  const temp = new TempSpace(join(root, 'tmp'));
  await temp.init();
  const tar = await contextTar([
    { name: 'Dockerfile', content: 'FROM scratch\n' },
    { name: '.dockerignore', content: '# comment\n*.log\nsecret/\n!secret/keep.txt\nDockerfile\n' },
    { name: 'app.log', content: 'x' },
    { name: 'keep.txt', content: 'x' },
    { name: 'secret/key', content: 'x' },
    { name: 'secret/keep.txt', content: 'x' },
  ]);
  const ctx = await BuildContext.open(Readable.from([tar]), temp, 'Dockerfile');
  try {
    assert.equal(ctx.dockerfileText, 'FROM scratch\n');
    assert.deepEqual(await ctx.tree.readdir(''), ['.dockerignore', 'keep.txt', 'secret']);
    assert.deepEqual(await ctx.tree.readdir('secret'), ['keep.txt']);
    assert.equal(ctx.tree.hashOf('app.log'), undefined);
  } finally {
    await ctx.dispose();
  }
  const lower = await BuildContext.open(Readable.from([await contextTar([{ name: 'dockerfile', content: 'FROM x\n' }])]), temp, 'Dockerfile');
  assert.equal(lower.dockerfileText, 'FROM x\n');
  await lower.dispose();
  await assert.rejects(BuildContext.open(Readable.from([await contextTar([{ name: 'a', content: '' }])]), temp, 'sub/Dockerfile'), /Cannot locate specified Dockerfile: sub\/Dockerfile/);
  await assert.rejects(BuildContext.open(Readable.from([await contextTar([{ name: 'Dockerfile', content: '' }, { name: '.dockerignore', content: '!\n' }])]), temp, 'Dockerfile'), /error parsing .dockerignore line 1/);
});
