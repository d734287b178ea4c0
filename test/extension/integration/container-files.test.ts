// Container Files on real engines (Berth's and Docker Engine): list folders of a running container
// (exec ls) and of a stopped one (the folder's tar), read a file, and the refusals: a file over the size
// limit, a path that is gone.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Dockerode from 'dockerode';
import { ContainerFileError, listContainerDir, readContainerFile, statPath, writeContainerFile } from '../../../extension/files/container-archive.js';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { hasExecutable, isRoot, requireOrSkip } from '../../helpers/prereqs.js';
import { ensureBaseImage } from '../../e2e/engine-fixtures.js';

const prefix = `berth-ext-files-${process.pid}`;
const dockerSocket = '/var/run/docker.sock';
let daemon: TestDaemon | undefined;

after(async () => {
  await new Dockerode({ socketPath: dockerSocket }).getContainer(`${prefix}-docker`).remove({ force: true }).catch(() => undefined);
  await daemon?.stop();
  // Its bridge, iptables rules and cgroups (by the prefix startDaemon gave it) and its folder.
  await daemon?.cleanup();
});

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
});

test("Docker Engine: a container's files, running and stopped", { timeout: 3 * 60_000 }, async (t) => {
  const docker = new Dockerode({ socketPath: dockerSocket });
  if (!requireOrSkip(t, await docker.ping().then(() => true, () => false), `Docker Engine at ${dockerSocket}`)) return;
  await ensureBaseImage(dockerSocket);
  await browse(docker, `${prefix}-docker`);
});
