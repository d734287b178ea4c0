// Show Stats' stream on real engines: a container that allocates ~40 MB after a few seconds; the
// samples followed from GET /containers/{id}/stats?stream=1 must show its memory grow by most of that,
// on Berth's engine and on Docker Engine.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Dockerode from 'dockerode';
import { followStats, type StatsSample } from '../../../extension/stats/stats-sample.js';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { hasExecutable, isRoot, requireOrSkip } from '../../helpers/prereqs.js';
import { ensureBaseImage } from '../../e2e/engine-fixtures.js';

const prefix = `berth-ext-stats-${process.pid}`;
const dockerSocket = '/var/run/docker.sock';
let daemon: TestDaemon | undefined;

after(async () => {
  await new Dockerode({ socketPath: dockerSocket }).getContainer(`${prefix}-docker`).remove({ force: true }).catch(() => undefined);
  await daemon?.stop();
  // Its bridge, iptables rules and cgroups (by the prefix startDaemon gave it) and its folder.
  await daemon?.cleanup();
});

async function memoryMoves(docker: Dockerode, name: string): Promise<void> {
  // After three seconds tail holds 40 MB it cannot write (sleep never reads), then idles.
  const container = await docker.createContainer({ name, Image: 'busybox:latest', Cmd: ['sh', '-c', 'sleep 3; head -c 40000000 /dev/zero | tail -c 40000000 | sleep 60'] });
  await container.start();
  try {
    const samples: StatsSample[] = [];
    const stream = (await container.stats({ stream: true })) as unknown as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        f.stop();
        reject(new Error(`memory did not grow by 30 MB within 40 s: ${samples.map((s) => s.memoryBytes).join(', ')}`));
      }, 40_000);
      const f = followStats(stream, (s) => {
        samples.push(s);
        if (samples.length > 1 && s.memoryBytes - samples[0].memoryBytes > 30_000_000) {
          clearTimeout(timer);
          f.stop();
          resolve();
        }
      }, (err) => {
        clearTimeout(timer);
        reject(err ?? new Error('the stats stream ended while the container ran'));
      });
    });
    assert.ok(samples.every((s) => Number.isFinite(s.cpuPercent) && s.pids >= 1), JSON.stringify(samples.at(-1)));
  } finally {
    await container.remove({ force: true });
  }
}

test("Berth's engine: the stats stream shows memory grow", { timeout: 3 * 60_000 }, async (t) => {
  if (!requireOrSkip(t, isRoot && (hasExecutable('/usr/sbin/runc') || hasExecutable('/usr/bin/runc')), 'root and runc for the bundled engine')) return;
  daemon = await startDaemon();
  await importBusybox(daemon);
  await memoryMoves(daemon.client, `${prefix}-berth`);
});

test('Docker Engine: the stats stream shows memory grow', { timeout: 3 * 60_000 }, async (t) => {
  const docker = new Dockerode({ socketPath: dockerSocket });
  if (!requireOrSkip(t, await docker.ping().then(() => true, () => false), `Docker Engine at ${dockerSocket}`)) return;
  await ensureBaseImage(dockerSocket);
  await memoryMoves(docker, `${prefix}-docker`);
});
