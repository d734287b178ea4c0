// Container Files on real engines (Berth's and Docker Engine): list folders of a running container
// (exec ls) and of a stopped one (the folder's tar), read a file, and the refusals: a file over the size
// limit, a path that is gone. Changes: upload local files and folders (modes kept, read back with exec),
// new folders, delete and rename (exec rm/mv; refused with the reason while the container is stopped).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Dockerode from 'dockerode';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerFileError, listContainerDir, readContainerFile, statPath, writeContainerFile } from '../../../extension/files/container-archive.js';
import { makeContainerDir, removeContainerPath, renameContainerPath } from '../../../extension/files/container-edits.js';
import { uploadToContainer } from '../../../extension/files/container-upload.js';
import { execIn } from '../../../extension/files/container-exec.js';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { hasExecutable, isRoot, requireOrSkip } from '../../helpers/prereqs.js';
import { ensureBaseImage } from '../../e2e/engine-fixtures.js';

const prefix = `berth-ext-files-${process.pid}`;
const dockerSocket = '/var/run/docker.sock';
let daemon: TestDaemon | undefined;

after(async () => {
  for (const n of ['docker', 'docker-change', 'docker-change-ro']) await new Dockerode({ socketPath: dockerSocket }).getContainer(`${prefix}-${n}`).remove({ force: true }).catch(() => undefined);
  await daemon?.stop();
  // Its bridge, iptables rules and cgroups (by the prefix startDaemon gave it) and its folder.
  await daemon?.cleanup();
});

async function run(docker: Dockerode, id: string, script: string): Promise<string> {
  return (await execIn(docker, id, ['sh', '-c', script])).stdout;
}

const problem = (code: string, pattern: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof ContainerFileError, String(err));
  assert.equal(err.code, code, err.message);
  assert.match(err.message, pattern);
  return true;
};

async function change(docker: Dockerode, name: string): Promise<void> {
  const local = mkdtempSync(join(tmpdir(), 'berth-upload-'));
  const c = await docker.createContainer({ name, Image: 'busybox:latest', Cmd: ['sh', '-c', 'mkdir -p /srv && sleep 120'] });
  await c.start();
  try {
    for (let i = 0; i < 50; i++) {
      if (await statPath(docker, c.id, '/srv').then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Upload: a script (0755), a folder with a file (0600) and a link, into /srv.
    writeFileSync(join(local, 'run.sh'), '#!/bin/sh\necho uploaded\n');
    chmodSync(join(local, 'run.sh'), 0o755);
    mkdirSync(join(local, 'conf'));
    writeFileSync(join(local, 'conf', 'secret.txt'), 'shh\n');
    chmodSync(join(local, 'conf', 'secret.txt'), 0o600);
    symlinkSync('secret.txt', join(local, 'conf', 'link'));
    const result = await uploadToContainer(docker, c.id, '/srv', [join(local, 'run.sh'), join(local, 'conf')]);
    assert.deepEqual({ ...result, skipped: result.skipped.length }, { files: 3, folders: 1, bytes: 24 + 4, skipped: 0 });
    const seen = await run(docker, c.id, '/srv/run.sh; cat /srv/conf/secret.txt; stat -c "%a %u" /srv/run.sh /srv/conf/secret.txt; readlink /srv/conf/link');
    assert.match(seen, /uploaded\nshh\n755 0\n600 0\nsecret.txt/);
    await assert.rejects(uploadToContainer(docker, c.id, '/nope', [join(local, 'run.sh')]), problem('NotFound', /does not exist/));
    await assert.rejects(uploadToContainer(docker, c.id, '/srv/run.sh', [join(local, 'run.sh')]), problem('Unavailable', /not a folder/));
    // A folder never replaces a file.
    mkdirSync(join(local, 'x'));
    mkdirSync(join(local, 'x', 'run.sh'));
    await assert.rejects(uploadToContainer(docker, c.id, '/srv', [join(local, 'x', 'run.sh')]), problem('Exists', /cannot overwrite|not uploaded/i));

    // New folder; then a new file in it (writeContainerFile creates).
    await makeContainerDir(docker, c.id, '/srv/made');
    await assert.rejects(makeContainerDir(docker, c.id, '/srv/made'), problem('Exists', /already exists/));
    await assert.rejects(makeContainerDir(docker, c.id, '/srv/no/such'), problem('NotFound', /does not exist/));
    await writeContainerFile(docker, c.id, '/srv/made/new.txt', Buffer.from('new\n'));
    assert.match(await run(docker, c.id, 'cat /srv/made/new.txt; stat -c "%F %a" /srv/made'), /new\ndirectory 755/);

    // Rename: a file, and refusing to replace an existing name unless asked.
    await renameContainerPath(docker, c.id, '/srv/made/new.txt', '/srv/made/renamed.txt', false);
    await assert.rejects(renameContainerPath(docker, c.id, '/srv/run.sh', '/srv/made/renamed.txt', false), problem('Exists', /already exists/));
    await assert.rejects(renameContainerPath(docker, c.id, '/srv/gone', '/srv/x', false), problem('NotFound', /does not exist/));
    await renameContainerPath(docker, c.id, '/srv/conf', '/srv/made', true);
    assert.equal(await run(docker, c.id, 'ls /srv; ls /srv/made'), 'made\nrun.sh\nlink\nsecret.txt\n');
    assert.deepEqual((await listContainerDir(docker, c.id, '/srv', true)).map((e) => e.name), ['made', 'run.sh']);

    // Delete: a file; a folder that is not empty only when recursive; something gone.
    await removeContainerPath(docker, c.id, '/srv/run.sh', false);
    await assert.rejects(removeContainerPath(docker, c.id, '/srv/made', false), problem('Unavailable', /not empty/));
    await removeContainerPath(docker, c.id, '/srv/made', true);
    await assert.rejects(removeContainerPath(docker, c.id, '/srv/made', true), problem('NotFound', /does not exist/));
    await assert.rejects(removeContainerPath(docker, c.id, '/', true), problem('NoPermissions', /root folder/));
    assert.deepEqual(await listContainerDir(docker, c.id, '/srv', true), []);
    // Permissions: a read-only root refuses saves, uploads, new folders and deletes, saying why.
    const ro = await docker.createContainer({ name: `${name}-ro`, Image: 'busybox:latest', Cmd: ['sleep', '120'], HostConfig: { ReadonlyRootfs: true } });
    await ro.start();
    try {
      await assert.rejects(writeContainerFile(docker, ro.id, '/etc/hostname-copy', Buffer.from('x')), problem('NoPermissions', /read-only file system/));
      await assert.rejects(uploadToContainer(docker, ro.id, '/', [join(local, 'run.sh')]), problem('NoPermissions', /read-only file system/));
      await assert.rejects(makeContainerDir(docker, ro.id, '/made'), problem('NoPermissions', /read-only file system/));
      await assert.rejects(removeContainerPath(docker, ro.id, '/bin/true', false), problem('NoPermissions', /read-only file system/));
    } finally {
      await ro.remove({ force: true });
    }

    // Stopped: uploads and new folders still work (PUT /archive); delete and rename say to start it.
    await c.kill();
    await c.wait();
    await uploadToContainer(docker, c.id, '/srv', [join(local, 'run.sh')]);
    await makeContainerDir(docker, c.id, '/srv/later');
    assert.deepEqual((await listContainerDir(docker, c.id, '/srv', false)).map((e) => e.name), ['later', 'run.sh']);
    await assert.rejects(removeContainerPath(docker, c.id, '/srv/run.sh', false), problem('Stopped', /is not running: Berth deletes files with rm inside the container, so start it first/));
    await assert.rejects(renameContainerPath(docker, c.id, '/srv/run.sh', '/srv/x.sh', false), problem('Stopped', /start it first/));
    // Gone: the container removed under an open view.
    await c.remove({ force: true });
    await assert.rejects(writeContainerFile(docker, c.id, '/srv/run.sh', Buffer.from('x')), problem('NotFound', /container is gone/));
    await assert.rejects(uploadToContainer(docker, c.id, '/srv', [join(local, 'run.sh')]), problem('NotFound', /container is gone/));
  } finally {
    await c.remove({ force: true }).catch(() => undefined);
    rmSync(local, { recursive: true, force: true });
  }
}

async function browse(docker: Dockerode, name: string): Promise<void> {
  const c = await docker.createContainer({ name, Image: 'busybox:latest', Cmd: ['sh', '-c', 'mkdir -p /srv/sub && echo hello > /srv/x.txt && ln -s x.txt /srv/link && sleep 60'] });
  await c.start();
  try {
    for (let i = 0; i < 50; i++) {
      if (await statPath(docker, c.id, '/srv/link').then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const srv = await listContainerDir(docker, c.id, '/srv', true);
    assert.deepEqual(srv, [{ name: 'sub', kind: 'directory' }, { name: 'link', kind: 'symlink' }, { name: 'x.txt', kind: 'file' }]);
    const root = await listContainerDir(docker, c.id, '/', true);
    assert.ok(root.some((e) => e.name === 'etc' && e.kind === 'directory'), JSON.stringify(root));
    assert.equal((await readContainerFile(docker, c.id, '/srv/x.txt')).toString(), 'hello\n');
    const st = await statPath(docker, c.id, '/srv/x.txt');
    assert.equal(st.kind, 'file');
    assert.equal(st.size, 6);
    assert.equal((await statPath(docker, c.id, '/srv')).kind, 'directory');
    await assert.rejects(readContainerFile(docker, c.id, '/srv/x.txt', 3), (err: unknown) => err instanceof ContainerFileError && err.code === 'TooLarge' && /Berth opens files up to/.test(err.message));
    await assert.rejects(readContainerFile(docker, c.id, '/srv/gone.txt'), (err: unknown) => err instanceof ContainerFileError && err.code === 'NotFound');
    // A save: the new text through PUT /archive, read back by the container itself; mode and owner kept.
    const exec = await c.exec({ Cmd: ['sh', '-c', 'chown 1000:1000 /srv/x.txt && chmod 600 /srv/x.txt'], AttachStdout: true });
    await new Promise<void>((resolve) => void exec.start({}).then((s) => { s.on('end', () => resolve()); s.resume(); }));
    await writeContainerFile(docker, c.id, '/srv/x.txt', Buffer.from('edited in VS Code\n'));
    const cat = await c.exec({ Cmd: ['sh', '-c', 'cat /srv/x.txt; stat -c "%a %u:%g" /srv/x.txt'], AttachStdout: true, AttachStderr: true });
    const out: Buffer[] = [];
    await new Promise<void>((resolve) => void cat.start({}).then((s) => { s.on('data', (d: Buffer) => out.push(d)); s.on('end', () => resolve()); }));
    assert.match(Buffer.concat(out).toString(), /edited in VS Code\n[\s\S]*600 1000:1000/);
    await assert.rejects(writeContainerFile(docker, c.id, '/nope/x.txt', Buffer.from('x')), (err: unknown) => err instanceof ContainerFileError && err.code === 'NotFound');
    await writeContainerFile(docker, c.id, '/srv/x.txt', Buffer.from('hello\n'));
    // Stopped: the same listing from the folder's tar.
    await c.kill();
    await c.wait();
    assert.deepEqual(await listContainerDir(docker, c.id, '/srv', false), srv);
    assert.ok((await listContainerDir(docker, c.id, '/', false)).some((e) => e.name === 'bin' && e.kind === 'directory'));
    assert.equal((await readContainerFile(docker, c.id, '/srv/x.txt')).toString(), 'hello\n');
  } finally {
    await c.remove({ force: true });
  }
}

test("Berth's engine: a container's files, running and stopped", { timeout: 3 * 60_000 }, async (t) => {
  if (!requireOrSkip(t, isRoot && (hasExecutable('/usr/sbin/runc') || hasExecutable('/usr/bin/runc')), 'root and runc for the bundled engine')) return;
  daemon = await startDaemon();
  await importBusybox(daemon);
  await browse(daemon.client, `${prefix}-berth`);
  await change(daemon.client, `${prefix}-berth-change`);
});

test("Docker Engine: a container's files, running and stopped", { timeout: 3 * 60_000 }, async (t) => {
  const docker = new Dockerode({ socketPath: dockerSocket });
  if (!requireOrSkip(t, await docker.ping().then(() => true, () => false), `Docker Engine at ${dockerSocket}`)) return;
  await ensureBaseImage(dockerSocket);
  await browse(docker, `${prefix}-docker`);
  await change(docker, `${prefix}-docker-change`);
});
