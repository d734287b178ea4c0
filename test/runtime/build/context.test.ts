// The build context: plain and gzip tars unpacked with hostile entries refused, .dockerignore applied,
// the Dockerfile found.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { BuildContext } from '../../../runtime/build/context/build-context.js';
import { contextEntryPath, extractContext } from '../../../runtime/build/context/extract.js';
import { TempSpace } from '../../../runtime/fs/temp-dir.js';
import { contextTar } from './helpers/build-request.js';

const root = mkdtempSync(join(tmpdir(), 'berth-ctx-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dest = (): string => join(root, `d${n++}`);

test('entry names: clean relative paths; ".." refused', () => {
  assert.equal(contextEntryPath('./a/./b/'), 'a/b');
  assert.equal(contextEntryPath('/abs/x'), 'abs/x');
  assert.throws(() => contextEntryPath('a/../../etc/passwd'), /has an entry "a\/..\/..\/etc\/passwd" with "..", which would place it outside the context/);
  assert.throws(() => contextEntryPath('a/../b'), /outside the context/);
});

test('files, folders, modes, symlinks and hard links land as in the tar; hashes follow content and mode', async () => {
  const d = dest();
  const tar = await contextTar([
    { name: 'dir/', type: 'directory', mode: 0o750 },
    { name: 'dir/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
    { name: 'same.txt', content: 'x' },
    { name: 'same-mode.txt', content: 'x', mode: 0o600 },
    { name: 'link', type: 'symlink', linkname: '/etc/passwd' },
    { name: 'hard', type: 'link', linkname: 'dir/run.sh' },
    { name: 'implicit/parent/file', content: 'deep' },
  ]);
  const r = await extractContext(Readable.from([gzipSync(tar)]), d);
  assert.equal(lstatSync(join(d, 'dir')).mode & 0o7777, 0o750);
  assert.equal(lstatSync(join(d, 'dir/run.sh')).mode & 0o7777, 0o755);
  assert.equal(readlinkSync(join(d, 'link')), '/etc/passwd');
  assert.equal(lstatSync(join(d, 'hard')).ino, lstatSync(join(d, 'dir/run.sh')).ino);
  assert.equal(readFileSync(join(d, 'implicit/parent/file'), 'utf8'), 'deep');
  assert.notEqual(r.hashes.get('same.txt'), r.hashes.get('same-mode.txt'), 'the mode is part of the hash');
  assert.equal(r.hashes.get('hard'), r.hashes.get('dir/run.sh'));
  assert.equal(r.size, 1 + 1 + 10 + 4);
});

test('hostile entries fail the build with a message naming them', async () => {
  const cases: [Parameters<typeof contextTar>[0], RegExp][] = [
    [[{ name: '../escape.txt', content: 'x' }], /entry "..\/escape.txt" with ".."/],
    [[{ name: 'evil', type: 'symlink', linkname: '/tmp' }, { name: 'evil/planted', content: 'x' }], /entry "evil\/planted" below the symlink "evil"; refusing to write through it/],
    [[{ name: 'h', type: 'link', linkname: '../../etc/passwd' }], /with ".."/],
    [[{ name: 'h', type: 'link', linkname: 'missing' }], /hard link "h" to "missing", which is not an earlier file of the context/],
  ];
  for (const [entries, message] of cases) {
    const d = dest();
    await assert.rejects(extractContext(Readable.from([await contextTar(entries)]), d), message);
    assert.equal(existsSync('/tmp/planted'), false);
  }
});

test('a truncated or garbage context is an error, not a hang', async () => {
  const tar = await contextTar([{ name: 'big', content: Buffer.alloc(100_000, 1) }]);
  await assert.rejects(extractContext(Readable.from([tar.subarray(0, 20_000)]), dest()), /not a valid tar stream/);
  await assert.rejects(extractContext(Readable.from([Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6])]), dest()), /gzip|not a valid tar/);
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
    assert.deepEqual(await ctx.view.readdir(''), ['.dockerignore', 'keep.txt', 'secret']);
    assert.deepEqual(await ctx.view.readdir('secret'), ['keep.txt']);
    assert.equal(ctx.hashes.has('app.log'), false);
  } finally {
    await ctx.dispose();
  }
  const lower = await BuildContext.open(Readable.from([await contextTar([{ name: 'dockerfile', content: 'FROM x\n' }])]), temp, 'Dockerfile');
  assert.equal(lower.dockerfileText, 'FROM x\n');
  await lower.dispose();
  await assert.rejects(BuildContext.open(Readable.from([await contextTar([{ name: 'a', content: '' }])]), temp, 'sub/Dockerfile'), /Cannot locate specified Dockerfile: sub\/Dockerfile/);
  await assert.rejects(BuildContext.open(Readable.from([await contextTar([{ name: 'Dockerfile', content: '' }, { name: '.dockerignore', content: '!\n' }])]), temp, 'Dockerfile'), /error parsing .dockerignore line 1/);
});
