// berthd as a user without subordinate ids (/etc/subuid and /etc/subgid have no range for it): the
// daemon maps only the user's own id, says so in a warning line, and runs containers as uid 0;
// a container user other than 0 is refused with the command that adds ranges. (Root mode has no
// such limit: every id exists there.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { importBusyboxRootless, rootlessTestOptions, startRootlessEngine, type RootlessEngine } from '../rootless/rootless-fixture.js';

const opts = rootlessTestOptions();

let e: RootlessEngine;
before(async () => {
  if (opts.skip) return;
  e = await startRootlessEngine({ subIds: false });
  await importBusyboxRootless(e);
});
after(async () => { await e?.dispose(); });

test('a warning names the missing ranges and the usermod command', opts, () => {
  assert.match(e.log(), /warning: no subordinate ids for brl[0-9a-f]+ in \/etc\/subuid and \/etc\/subgid: only your own id is mapped/);
  assert.match(e.log(), /usermod --add-subuids 100000-165535 --add-subgids 100000-165535/);
});

test('containers run as uid 0, which is the user outside', opts, async () => {
  const r = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'id -u; cat /proc/self/uid_map']);
  assert.equal(r.code, 0, r.stderr + e.log());
  const [id, map] = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  assert.equal(id, '0');
  assert.equal(map, `0 ${e.uid} 1`);
});

test('another container user is refused with the fix', opts, async () => {
  const r = await e.docker(['run', '--rm', '--user', '1000', 'busybox', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /maps only uid 0.*usermod --add-subuids/);
});

test('with only one id mapped, a restarted daemon still joins the namespaces of a running container', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'keeper', 'busybox', 'sleep', '300'])).code, 0);
  await e.restart();
  assert.match(e.log(), /joining the namespaces of the previous daemon/);
  const r = await e.docker(['exec', 'keeper', 'cat', '/proc/self/uid_map']);
  assert.equal(r.stdout.trim().split(/\s+/).join(' '), `0 ${e.uid} 1`, r.stderr + e.log());
  assert.equal((await e.docker(['rm', '-f', 'keeper'])).code, 0);
});
