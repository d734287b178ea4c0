// The layered view of an image without mounting: top layer wins, whiteouts hide, files hide folders,
// symlinks resolve inside the view.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnionView, cleanPath } from '../../../runtime/builder/fs/union-view.js';
import { requireOrSkip, isRoot } from '../../helpers/prereqs.js';

const root = mkdtempSync(join(tmpdir(), 'berth-view-'));
after(() => rmSync(root, { recursive: true, force: true }));

function layer(name: string, files: Record<string, string | { link: string } | 'dir'>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [p, v] of Object.entries(files)) {
    const full = join(dir, p);
    if (v === 'dir') { mkdirSync(full, { recursive: true }); continue; }
    mkdirSync(join(full, '..'), { recursive: true });
    if (typeof v === 'string') writeFileSync(full, v);
    else symlinkSync(v.link, full);
  }
  return dir;
}

test('cleanPath keeps paths inside the root', () => {
  assert.equal(cleanPath('/a/./b//c/'), 'a/b/c');
  assert.equal(cleanPath('../../etc'), 'etc');
  assert.equal(cleanPath('a/../../b'), 'b');
});

test('the topmost layer wins; folders merge; a file hides a folder below', async () => {
  const bottom = layer('b1', { 'etc/a': 'old', 'etc/b': 'b', 'opt/x/y': 'y', 'var/data': 'dir-content' });
  const top = layer('t1', { 'etc/a': 'new', 'etc/c': 'c', opt: 'now a file' });
  const v = new UnionView([top, bottom]);
  assert.deepEqual(await v.readdir('etc'), ['a', 'b', 'c']);
  assert.equal((await v.readFile('etc/a'))?.toString(), 'new');
  assert.equal((await v.lstat('opt'))?.type, 'file');
  assert.equal(await v.lstat('opt/x/y'), undefined, 'hidden by the file above');
  assert.deepEqual(await v.readdir(''), ['etc', 'opt', 'var']);
});

test('symlinks resolve inside the view, absolute ones from its root', async () => {
  const l = layer('s1', { 'real/file': 'content', 'abs': { link: '/real' }, 'rel': { link: '../real/./' }, 'loop1': { link: 'loop2' }, 'loop2': { link: 'loop1' }, 'escape': { link: '../../../../etc' } });
  const v = new UnionView([l]);
  assert.equal(await v.resolve('abs/file'), 'real/file');
  assert.equal(await v.resolve('rel/file'), 'real/file');
  assert.equal(await v.resolve('abs', false), 'abs');
  assert.equal(await v.resolve('escape/passwd'), 'etc/passwd', 'a link cannot climb above the root');
  assert.equal(await v.resolve('missing/abs/x'), 'missing/abs/x');
  await assert.rejects(v.resolve('loop1/x'), /too many levels of symbolic links/);
  assert.equal((await v.stat('abs/file'))?.type, 'file');
});

test('whiteouts (0/0 character devices) hide names below', async (t) => {
  if (!requireOrSkip(t, isRoot, 'root (mknod for whiteouts)')) return;
  const bottom = layer('wb', { 'etc/passwd': 'x', 'etc/group': 'g', 'gone/inner': 'i' });
  const top = layer('wt', { etc: 'dir' });
  execFileSync('mknod', [join(top, 'etc/group'), 'c', '0', '0']);
  execFileSync('mknod', [join(top, 'gone'), 'c', '0', '0']);
  const v = new UnionView([top, bottom]);
  assert.deepEqual(await v.readdir('etc'), ['passwd']);
  assert.equal(await v.lstat('etc/group'), undefined);
  assert.equal(await v.lstat('gone/inner'), undefined);
  assert.equal(await v.readFile('etc/group'), undefined);
});
