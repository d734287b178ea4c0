// docker system df against berthd (needs root, runc, the docker CLI, dist/ built): container sizes are
// their writable layers, volume sizes their data (both checked against du), images carry their shared
// size and container count, and the CLI's reclaimable figures count only what nothing uses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { engineTestOptions, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); });

/** du's apparent size of the regular files under `dir` (-b counts folders too; files only is Docker's count). */
function duFiles(dir: string): number {
  return Number(execFileSync('sh', ['-c', 'find "$1" -type f -links 1 -printf "%s\\n" | awk "{s+=\\$1} END {print s+0}"', 'sh', dir]).toString().trim());
}

interface Df {
  LayersSize: number;
  Images: { Id: string; Size: number; SharedSize: number; Containers: number; RepoTags: string[] }[];
  Containers: { Id: string; Names: string[]; SizeRw: number; SizeRootFs: number; State: string }[];
  Volumes: { Name: string; Mountpoint: string; UsageData: { Size: number; RefCount: number } }[];
}

test('system df: writable layers and volumes as du counts them, shared sizes, reclaimable only what is unused', opts, async () => {
  assert.equal((await e.docker(['run', '--network', 'none', '--name', 'df-writer', '-v', 'df-vol:/data', 'busybox', 'sh', '-c',
    'dd if=/dev/zero of=/big bs=1M count=20 2>/dev/null; dd if=/dev/zero of=/data/v bs=1M count=5 2>/dev/null'])).code, 0);
  assert.equal((await e.docker(['run', '-d', '--network', 'none', '--name', 'df-idle', 'busybox', 'sleep', '1000'])).code, 0);
  const commit = await e.docker(['commit', 'df-writer', 'df-img:1']);
  assert.equal(commit.code, 0, commit.stderr);
  const df = await e.client.df() as Df;

  const writer = df.Containers.find((c) => c.Names[0] === '/df-writer')!;
  const upper = join(e.root, 'containers', writer.Id, 'upper');
  assert.equal(writer.SizeRw, duFiles(upper));
  assert.ok(writer.SizeRw >= 20 << 20 && writer.SizeRw < (20 << 20) + (1 << 20), `SizeRw ${writer.SizeRw}`);
  const busybox = df.Images.find((i) => i.RepoTags.includes('busybox:latest'))!;
  assert.equal(writer.SizeRootFs, writer.SizeRw + busybox.Size);
  const vol = df.Volumes.find((v) => v.Name === 'df-vol')!;
  assert.equal(vol.UsageData.Size, 5 << 20);
  assert.equal(vol.UsageData.Size, duFiles(vol.Mountpoint));
  assert.equal(vol.UsageData.RefCount, 1);

  const img = df.Images.find((i) => i.RepoTags.includes('df-img:1'))!;
  assert.equal(busybox.Containers, 2);
  assert.equal(img.Containers, 0);
  assert.equal(busybox.SharedSize, busybox.Size, 'busybox\'s one layer is also df-img\'s');
  assert.equal(img.SharedSize, busybox.Size);
  assert.ok(img.Size - img.SharedSize >= 20 << 20, 'df-img\'s own layer holds the 20 MB');

  // The CLI's summary: containers' size is their writable layers, reclaimable the stopped ones';
  // images' reclaimable is everything but what used images hold alone (Docker's own rule).
  const summary = await e.docker(['system', 'df', '--format', '{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}']);
  const rows = Object.fromEntries(summary.stdout.trim().split('\n').map((l) => { const [type, ...rest] = l.split('|'); return [type, rest]; }));
  assert.equal(rows.Containers[0], '2');
  assert.equal(rows.Containers[1], '1');
  assert.match(rows.Containers[2], /^20\.\d+MB$/);
  assert.match(rows.Containers[3], /^20\.\d+MB \(99%\)$|^20\.\d+MB \(100%\)$/);
  assert.match(rows['Local Volumes'][2], /^5\.243MB$/);
  assert.match(rows['Local Volumes'][3], /^0B \(0%\)$/, 'the volume is used by a container');
  assert.equal(rows.Images[1], '1');
  // Images: used = busybox.Size - busybox.SharedSize = 0, so all of LayersSize is reclaimable, as Docker says.
  assert.match(rows.Images[3], /\(100%\)$/);

  assert.equal((await e.docker(['rm', '-f', 'df-writer', 'df-idle'])).code, 0);
  await e.docker(['volume', 'rm', 'df-vol']);
  await e.docker(['rmi', 'df-img:1']);
});

test('system df: an image used by a container and holding bytes of its own is not reclaimable', opts, async () => {
  assert.equal((await e.docker(['run', '--network', 'none', '--name', 'df-base', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/own bs=1M count=3 2>/dev/null'])).code, 0);
  assert.equal((await e.docker(['commit', 'df-base', 'df-own:1'])).code, 0);
  await e.docker(['rm', 'df-base']);
  await e.docker(['rmi', 'busybox']);
  assert.equal((await e.docker(['create', '--network', 'none', '--name', 'df-user', 'df-own:1', 'true'])).code, 0);
  const df = await e.client.df() as Df;
  const own = df.Images.find((i) => i.RepoTags.includes('df-own:1'))!;
  assert.equal(own.SharedSize, 0);
  assert.equal(own.Containers, 1);
  const summary = await e.docker(['system', 'df', '--format', '{{.Type}}|{{.Reclaimable}}']);
  assert.match(summary.stdout, /^Images\|0B \(0%\)$/m);
  await e.docker(['rm', 'df-user']);
});
