// Run with Options' create body on real engines: Berth's (a test daemon) and Docker Engine 20.10 must
// both take it and run the container with the name, environment, port, named volume and bind mount.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Dockerode from 'dockerode';
import { createBody, defaultRunOptions } from '../../../extension/run/run-options.js';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { hasExecutable, isRoot, requireOrSkip } from '../../helpers/prereqs.js';
import { ensureBaseImage } from '../../e2e/engine-fixtures.js';

const prefix = `berth-ext-run-${process.pid}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ext-run-'));
fs.writeFileSync(path.join(work, 'hello.txt'), 'hello from the host\n');
let daemon: TestDaemon | undefined;
const dockerSocket = '/var/run/docker.sock';

after(async () => {
  const docker = new Dockerode({ socketPath: dockerSocket });
  await docker.getContainer(`${prefix}-docker`).remove({ force: true, v: true }).catch(() => undefined);
  await docker.getVolume(`${prefix}-vol`).remove().catch(() => undefined);
  await daemon?.stop();
  // Its bridge, iptables rules and cgroups (by the prefix startDaemon gave it) and its folder.
  await daemon?.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

async function runAndCheck(docker: Dockerode, name: string): Promise<void> {
  const o = { ...defaultRunOptions([]), name, ports: ['18000:8000'.replace('18000', String(20000 + (process.pid % 20000)))], env: ['GREETING=hi'], volumes: [`${prefix}-vol:/data`, `./:/host:ro`], command: 'sh -c "cat /host/hello.txt; echo $GREETING > /data/g; sleep 30"' };
  const container = await docker.createContainer(createBody('busybox:latest', o, work, [], {}));
  await container.start();
  try {
    const info = await container.inspect();
    assert.equal(info.Name, `/${name}`);
    assert.ok(info.Config.Env.includes('GREETING=hi'));
    assert.equal(info.HostConfig.PortBindings?.['8000/tcp']?.[0]?.HostIp, '127.0.0.1');
    const mounts = info.Mounts.map((m) => `${m.Type}:${m.Type === 'volume' ? m.Name : m.Source}:${m.Destination}:${m.RW ? 'rw' : 'ro'}`).sort();
    assert.deepEqual(mounts, [`bind:${work}:/host:ro`, `volume:${prefix}-vol:/data:rw`]);
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('hello from the host'); i++) {
      logs = (await container.logs({ stdout: true, stderr: true })).toString();
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(logs, /hello from the host/);
  } finally {
    await container.remove({ force: true, v: true });
  }
}

test("Berth's engine runs the Run with Options body", { timeout: 3 * 60_000 }, async (t) => {
  if (!requireOrSkip(t, isRoot && (hasExecutable('/usr/sbin/runc') || hasExecutable('/usr/bin/runc')), 'root and runc for the bundled engine')) return;
  daemon = await startDaemon();
  await importBusybox(daemon);
  await runAndCheck(daemon.client, `${prefix}-berth`);
});

test('Docker Engine runs the Run with Options body', { timeout: 3 * 60_000 }, async (t) => {
  const docker = new Dockerode({ socketPath: dockerSocket });
  if (!requireOrSkip(t, await docker.ping().then(() => true, () => false), `Docker Engine at ${dockerSocket}`)) return;
  await ensureBaseImage(dockerSocket);
  await runAndCheck(docker, `${prefix}-docker`);
});
