// A daemon killed while a container started can leave the container's network namespace (made before
// networks.json has its endpoint). The next start removes such namespaces of its own prefix, which
// would otherwise keep a veth on the bridge and the bridge's subnet taken, and leaves everything else.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { engineTestOptions, importBusybox, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => {
  if (opts.skip) return;
  e = await startEngine();
  await importBusybox(e);
});
after(async () => { await e?.dispose(); });

test('a start removes network namespaces of its prefix that no container owns, and keeps the rest', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'keeps-its-ns', 'busybox', 'sleep', '300'])).code, 0, e.log());
  const id = (await e.docker(['inspect', '-f', '{{.Id}}', 'keeps-its-ns'])).stdout.trim();
  const orphan = `${e.prefix}-0123456789ab`;
  const foreign = `zz${e.prefix}-0123456789ab`;
  execFileSync('ip', ['netns', 'add', orphan]);
  execFileSync('ip', ['netns', 'add', foreign]);
  try {
    await e.crash();
    await e.restart();
    // The container stack opens (and reconciles) right after the ready line.
    await e.docker(['ps']);
    for (let i = 0; i < 50 && existsSync(`/run/netns/${orphan}`); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(existsSync(`/run/netns/${orphan}`), false, `the orphan namespace is gone:\n${e.log()}`);
    assert.match(e.log(), new RegExp(`network namespace ${orphan} of a container whose start was cut off removed`));
    assert.equal(existsSync(`/run/netns/${foreign}`), true, 'another prefix\'s namespace stays');
    assert.equal(existsSync(`/run/netns/${e.prefix}-${id.slice(0, 12)}`), true, 'the running container keeps its namespace');
    const r = await e.docker(['exec', 'keeps-its-ns', 'ip', 'addr', 'show', 'eth0']);
    assert.match(r.stdout, /inet /, r.stderr);
  } finally {
    try { execFileSync('ip', ['netns', 'del', foreign]); } catch { /* gone */ }
    try { execFileSync('ip', ['netns', 'del', orphan]); } catch { /* gone */ }
    await e.docker(['rm', '-f', 'keeps-its-ns']);
  }
});
