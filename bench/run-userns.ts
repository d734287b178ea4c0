// `docker run --rm IMAGE echo hi` in a container with its own user namespace (berthd --userns auto:
// the user namespace and network namespace made by Perl helpers, the root an overlay of idmapped
// layers) against the same with --userns host, on one daemon, rounds interleaved; once with
// --network none and once on the default bridge (where the daemon also makes the network namespace
// inside the user namespace). `BERTH_ID_SHIFT=fuse-uidmapping npm run bench -- run-userns` measures the
// fallback for kernels before 6.15 (fuse-overlayfs's uidmapping) instead of idmapped layers.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { startEngine } from '../test/runtime/containers/engine-fixture.js';
import { median } from '../test/runtime/containers/docker-engine.js';

const ROUNDS = 21;
const WARMUP = 3;

function timeRun(env: NodeJS.ProcessEnv, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('docker', ['run', '--rm', ...args, 'busybox', 'echo', 'hi'], { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 || r.stdout !== 'hi\n') throw new Error(`docker run ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

export async function run(): Promise<void> {
  const berth = await startEngine({ args: ['--userns', 'auto'] });
  // The fixture's temp folder is 0700: a container's root (nobody on the host) must pass it.
  chmodSync(dirname(berth.root), 0o711);
  try {
    const rows: Record<string, { value: string }> = {};
    for (const net of ['none', 'bridge']) {
      const variants: [string, string[]][] = [['--userns host', ['--userns', 'host', '--network', net]], ['own user namespace', ['--network', net]]];
      for (let i = 0; i < WARMUP; i++) for (const [, a] of variants) timeRun(berth.env, a);
      const times = variants.map(() => [] as number[]);
      for (let i = 0; i < ROUNDS; i++) variants.forEach(([, a], k) => times[k].push(timeRun(berth.env, a)));
      variants.forEach(([name], k) => {
        rows[`--network ${net}, ${name} (median)`] = { value: `${median(times[k]).toFixed(0)} ms` };
      });
      rows[`--network ${net}, difference`] = { value: `${(median(times[1]) - median(times[0])).toFixed(0)} ms` };
    }
    const roots = process.env.BERTH_ID_SHIFT ? `roots through ${process.env.BERTH_ID_SHIFT} (forced)` : 'roots as probed';
    console.log(`run-userns: ${ROUNDS} interleaved rounds of docker run --rm busybox echo hi on berthd --userns auto, ${roots} (after ${WARMUP} warm-up rounds)`);
    console.table(rows);
  } finally {
    await berth.dispose();
  }
}
