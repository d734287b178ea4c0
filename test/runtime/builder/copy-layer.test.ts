// COPY/ADD layers written as tars: destination rules, copied-up parents, ownership, --chmod, archives.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { chmodFunction } from '../../../runtime/builder/copy/chmod.js';
import { copyLayerTar, type CopyPlan } from '../../../runtime/builder/copy/copy-layer.js';
import { resolveSource } from '../../../runtime/builder/copy/sources.js';
import { UnionView } from '../../../runtime/builder/fs/union-view.js';
import { contextTar } from './helpers/build-request.js';

const root = mkdtempSync(join(tmpdir(), 'berth-copy-'));
after(() => rmSync(root, { recursive: true, force: true }));

const image = join(root, 'image');
mkdirSync(join(image, 'existing/keep'), { recursive: true });
chmodSync(join(image, 'existing'), 0o750);
symlinkSync('/existing', join(image, 'link-to-existing'));
writeFileSync(join(image, 'afile'), 'x');
const ctx = join(root, 'ctx');
mkdirSync(join(ctx, 'tools/inner'), { recursive: true });
writeFileSync(join(ctx, 'top.txt'), 'top\n');
writeFileSync(join(ctx, 'second.txt'), 'second\n');
writeFileSync(join(ctx, 'tools/run.sh'), 'run');
chmodSync(join(ctx, 'tools/run.sh'), 0o755);
writeFileSync(join(ctx, 'tools/inner/data'), 'data');
symlinkSync('top.txt', join(ctx, 'alias'));

interface Entry { name: string; type: string; mode: string; owner: string; body?: string; link?: string }

async function entries(plan: CopyPlan): Promise<Entry[]> {
  const extract = tar.extract();
  copyLayerTar(plan).pipe(extract);
  const out: Entry[] = [];
  for await (const e of extract) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    const h = e.header;
    out.push({ name: h.name, type: h.type, mode: (h.mode & 0o7777).toString(8), owner: `${h.uid}:${h.gid}`, ...(h.type === 'file' ? { body: Buffer.concat(chunks).toString() } : {}), ...(h.linkname ? { link: h.linkname } : {}) });
  }
  return out;
}

const context = { tree: new UnionView([ctx]) };
const items = async (...srcs: string[]) => (await Promise.all(srcs.map((s) => resolveSource(s, { source: context, what: 'build context', isContext: true, mayUnpack: true })))).flat();
const plan = (dest: string, its: CopyPlan['items'], extra: Partial<CopyPlan> = {}): CopyPlan => ({
  destView: new UnionView([image]), dest, items: its, identity: { uid: 0, gid: 0 }, unpackArchives: false, followDestSymlinks: true, ...extra,
});

test('a file to a new path: new parents 0755, the file keeps its mode, owner root', async () => {
  const e = await entries(plan('/new/dir/renamed.txt', await items('top.txt')));
  assert.deepEqual(e.map((x) => [x.name, x.type, x.mode, x.owner]), [
    ['new/', 'directory', '755', '0:0'], ['new/dir/', 'directory', '755', '0:0'], ['new/dir/renamed.txt', 'file', '644', '0:0'],
  ]);
  assert.equal(e[2].body, 'top\n');
});

test('into an existing folder (through a symlink): the folder is copied up with its own mode', async () => {
  const e = await entries(plan('/link-to-existing/', await items('top.txt')));
  assert.deepEqual(e.map((x) => [x.name, x.mode]), [['existing/', '750'], ['existing/top.txt', '644']]);
});

test('a folder copies its content; --chown owns everything copied, new parents of a folder stay root', async () => {
  const e = await entries(plan('/a/b', await items('tools'), { identity: { uid: 1234, gid: 4321 } }));
  assert.deepEqual(e.map((x) => [x.name, x.mode, x.owner]), [
    ['a/', '755', '0:0'], ['a/b/', '755', '1234:4321'], ['a/b/inner/', '755', '1234:4321'], ['a/b/inner/data', '644', '1234:4321'], ['a/b/run.sh', '755', '1234:4321'],
  ]);
});

test('wildcards, several sources into a folder, a symlink source copied as its target', async () => {
  const e = await entries(plan('/g/', await items('*.txt', 'alias')));
  assert.deepEqual(e.map((x) => [x.name, x.type, x.body]), [
    ['g/', 'directory', undefined], ['g/second.txt', 'file', 'second\n'], ['g/top.txt', 'file', 'top\n'], ['g/alias', 'file', 'top\n'],
  ]);
  await assert.rejects(items('nope*'.replace('*', '')), /file not found in build context or excluded by .dockerignore: stat nope/);
  assert.deepEqual(await items('*.none'), []);
  await assert.rejects(items('../outside'), /forbidden path outside the build context: ..\/outside/);
});

test('--chmod (octal and symbolic), kept owners for COPY --from, --link ignores the image', async () => {
  const e = await entries(plan('/x/', await items('tools'), { chmod: chmodFunction('640') }));
  assert.ok(e.filter((x) => x.name.startsWith('x/run') || x.name.endsWith('data')).every((x) => x.mode === '640'));
  const sym = await entries(plan('/y/', await items('tools/inner/data'), { chmod: chmodFunction('u+x,go-r') }));
  assert.equal(sym.find((x) => x.name === 'y/data')?.mode, '700');
  const kept = await entries(plan('/z/', await items('top.txt'), { identity: undefined }));
  assert.equal(kept.find((x) => x.name === 'z/top.txt')?.owner, `${process.getuid?.()}:${process.getgid?.()}`);
  const linked = await entries(plan('/existing/', await items('top.txt'), { destView: new UnionView([]), followDestSymlinks: false }));
  assert.equal(linked[0].mode, '755', '--link creates parents instead of copying them up');
});

test('ADD unpacks a local tar.gz into the destination; a plain file is not an archive', async () => {
  writeFileSync(join(ctx, 'bundle.tgz'), gzipSync(await contextTar([{ name: 'pkg/', type: 'directory', mode: 0o700 }, { name: 'pkg/f', content: 'packed', uid: 5, gid: 6 }])));
  const e = await entries(plan('/unpacked', await items('bundle.tgz', 'top.txt'), { unpackArchives: true, dest: '/unpacked/' }));
  assert.deepEqual(e.map((x) => [x.name, x.mode, x.owner]), [
    ['unpacked/', '755', '0:0'], ['unpacked/pkg/', '700', '0:0'], ['unpacked/pkg/f', '644', '5:6'], ['unpacked/top.txt', '644', '0:0'],
  ]);
});

test('copying over a file of the image that is not a folder is refused', async () => {
  const out = copyLayerTar(plan('/afile/inside.txt', await items('top.txt')));
  await assert.rejects(async () => { for await (const _ of out) { /* drain */ } }, /cannot copy to \/afile: it exists in the image and is not a directory/);
});
