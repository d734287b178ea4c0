import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statFromHeader } from '../../extension/files/container-archive.js';

const header = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64');

test("the archive's stat header: Go's FileMode bits to file, folder, link, other", () => {
  assert.deepEqual(statFromHeader(header({ name: 'etc', size: 4096, mode: 2147484141, mtime: '2026-12-07T12:00:00Z', linkTarget: '' })), {
    name: 'etc', size: 4096, mode: 2147484141, mtime: Date.parse('2026-12-07T12:00:00Z'), linkTarget: '', kind: 'directory',
  });
  assert.equal(statFromHeader(header({ name: 'x', size: 6, mode: 0o644 })).kind, 'file');
  assert.equal(statFromHeader(header({ name: 'sh', size: 7, mode: 134218239, linkTarget: '/bin/busybox' })).kind, 'symlink');
  assert.equal(statFromHeader(header({ name: 'null', size: 0, mode: 69206454 })).kind, 'other');
});

test('what rm and mv said inside a container becomes a problem the user can act on', async () => {
  const { execProblem } = await import('../../extension/files/container-edits.js');
  assert.equal(execProblem("rm: can't remove '/etc/x': Read-only file system", 'rm', '/etc/x', 'delete', 1).code, 'NoPermissions');
  assert.match(execProblem("rm: can't remove '/etc/x': Permission denied", 'rm', '/etc/x', 'delete', 1).message, /^Permission denied: \/etc\/x cannot be deleted/);
  assert.equal(execProblem("mv: can't rename '/a': No such file or directory", 'mv', '/a', 'rename', 1).code, 'NotFound');
  assert.match(execProblem("rmdir: '/srv': Directory not empty", 'rmdir', '/srv', 'delete', 1).message, /not empty/);
  const missing = execProblem('OCI runtime exec failed: exec failed: exec: "rm": executable file not found in $PATH: unknown', 'rm', '/x', 'delete', 126);
  assert.equal(missing.code, 'Unavailable');
  assert.match(missing.message, /has no working `rm`/);
});

test('files dropped from the Explorer on a row go to Upload with that folder (the root for a drop on nothing)', async () => {
  await import('./use-fake-vscode.js');
  const fake = await import('./fake-vscode.js');
  const { ContainerFileSystem, ContainerFilesView } = await import('../../extension/files/container-files.js');
  const view = new ContainerFilesView(new ContainerFileSystem(() => undefined));
  const data = (text: string) => ({ get: (mime: string) => (mime === 'text/uri-list' ? { asString: async () => text } : undefined) });
  await view.handleDrop(undefined, data('file:///tmp/a.txt') as never);
  assert.equal(fake.executed.filter((e) => e.command === 'berth.containerFiles.upload').length, 0, 'no container shown yet: nothing to do');
  view.show('c1', 'box');
  const folder = { containerId: 'c1', path: '/srv', name: 'srv', kind: 'directory' as const };
  await view.handleDrop(folder, data('# a comment\r\nfile:///tmp/a.txt\r\nfile:///tmp/dir\r\n') as never);
  await view.handleDrop(undefined, data('file:///tmp/b.txt') as never);
  const uploads = fake.executed.filter((e) => e.command === 'berth.containerFiles.upload');
  assert.equal(uploads.length, 2);
  assert.equal(uploads[0].args[0], folder);
  assert.deepEqual((uploads[0].args[1] as { toString(): string }[]).map(String), ['file:///tmp/a.txt', 'file:///tmp/dir']);
  assert.deepEqual(uploads[1].args[0], { containerId: 'c1', path: '/', name: '/', kind: 'directory' });
  view.dispose();
});
