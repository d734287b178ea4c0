// Runtime selection: runc by default; an explicit crun that cannot run containers on this host
// (crun 1.8 and hybrid cgroups) falls back to runc with a log line naming the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { crunProblem, selectRuntime } from '../../../runtime/tasks/oci-runtime.js';
import { requireRoot } from '../containers/busybox-rootfs.js';

const opts = requireRoot();

test('runc is the default', opts, () => {
  assert.match(selectRuntime(undefined), /\/runc$/);
});

test('an explicit crun is used where it works, else runc with a clear log line', { skip: opts.skip ?? (existsSync('/usr/bin/crun') ? undefined : 'needs crun') }, () => {
  const lines: string[] = [];
  const chosen = selectRuntime('/usr/bin/crun', (l) => lines.push(l));
  const problem = crunProblem('/usr/bin/crun');
  if (problem) {
    assert.match(chosen, /\/runc$/);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /--oci-runtime \/usr\/bin\/crun cannot run containers here \(.+\); using .*runc instead/);
  } else {
    assert.equal(chosen, '/usr/bin/crun');
    assert.deepEqual(lines, []);
  }
});

test('an explicit runtime that does not exist is an error naming it', opts, () => {
  assert.throws(() => selectRuntime('/no/such/runtime'), /--oci-runtime \/no\/such\/runtime: no such executable/);
});
