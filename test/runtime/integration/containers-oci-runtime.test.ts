// Runtime selection: runc by default; an explicit crun is used where it works, on a hybrid cgroup host
// (which crun 1.8 refuses) through a wrapper that runs it in a mount namespace without the cgroup2
// mount, and otherwise falls back to runc with a log line naming the reason. Then containers on crun,
// which cannot mount the root overlay itself (the daemon mounts it) and has no `run --keep`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crunProblem, selectRuntime } from '../../../runtime/oci/runtime-select.js';
import { requireRoot } from '../containers/busybox-rootfs.js';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { inCI } from '../../helpers/prereqs.js';

const opts = requireRoot();
if (!existsSync('/usr/bin/crun') && inCI && !opts.skip) throw new Error('prerequisite missing: crun (apt-get install crun; CI=true, so this fails instead of skipping)');
const crunOpts = { skip: opts.skip ?? (existsSync('/usr/bin/crun') ? undefined : 'needs crun') };

test('runc is the default', opts, () => {
  assert.match(selectRuntime(undefined), /\/runc$/);
});

test('an explicit crun is used where it works, through the hybrid wrapper where it needs one, else runc with a clear log line', crunOpts, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-crun-wrapper-'));
  try {
    const problem = crunProblem('/usr/bin/crun');
    const lines: string[] = [];
    const chosen = selectRuntime('/usr/bin/crun', (l) => lines.push(l), dir);
    if (!problem) {
      assert.equal(chosen, '/usr/bin/crun');
      assert.deepEqual(lines, []);
    } else if (/hybrid/.test(problem)) {
      assert.equal(chosen, join(dir, 'crun'));
      assert.match(lines[0], /refuses this host's hybrid cgroups; it runs in a mount namespace without the cgroup2 mount/);
      assert.match(readFileSync(chosen, 'utf8'), /unshare --mount .*umount \/sys\/fs\/cgroup\/unified/);
    }
    // Without a place for the wrapper, a crun that refuses the host gives way to runc, saying why.
    const fallback: string[] = [];
    if (problem) {
      assert.match(selectRuntime('/usr/bin/crun', (l) => fallback.push(l)), /\/runc$/);
      assert.match(fallback[0], /--oci-runtime \/usr\/bin\/crun cannot run containers here \(.+\); using .*runc instead/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an explicit runtime that does not exist is an error naming it', opts, () => {
  assert.throws(() => selectRuntime('/no/such/runtime'), /--oci-runtime \/no\/such\/runtime: no such executable/);
});

let d: TestDaemon | undefined;
before(async () => {
  if (crunOpts.skip) return;
  d = await startDaemon({ args: ['--oci-runtime', 'crun'] });
  await importBusybox(d, 'busybox:latest');
});
after(async () => {
  await d?.stop();
  await d?.cleanup();
});

test('containers on crun: output, OOM kill, exec, top, pause, stop and start, a TTY container, stdin, read-only root, a build', crunOpts, async () => {
  const e = d!;
  assert.match(e.log(), /crun/);
  assert.equal((await e.docker(['run', '--rm', '--network', 'none', 'busybox', 'echo', 'hi'])).stdout, 'hi\n', e.log());
  const oom = await e.docker(['run', '--name', 'hog', '-m', '10m', 'busybox', 'sh', '-c', 'x=a; while true; do x="$x$x"; done']);
  assert.equal(oom.code, 137);
  assert.equal((await e.docker(['inspect', '-f', '{{.State.OOMKilled}}', 'hog'])).stdout.trim(), 'true');
  assert.equal((await e.docker(['rm', 'hog'])).code, 0);
  assert.equal((await e.docker(['run', '-d', '--name', 'box', 'busybox', 'sleep', '300'])).code, 0);
  assert.equal((await e.docker(['exec', 'box', 'cat', '/proc/1/cmdline'])).stdout, 'sleep\x00300\x00');
  assert.match((await e.docker(['top', 'box'])).stdout, /sleep 300/);
  assert.equal((await e.docker(['pause', 'box'])).code, 0);
  assert.equal((await e.docker(['unpause', 'box'])).code, 0);
  assert.equal((await e.docker(['stop', '-t', '1', 'box'])).code, 0);
  assert.equal((await e.docker(['start', 'box'])).code, 0);
  assert.equal((await e.docker(['exec', 'box', 'true'])).code, 0);
  assert.equal((await e.docker(['rm', '-f', 'box'])).code, 0);
  assert.equal((await e.docker(['run', '--rm', '-i', 'busybox', 'cat'], { input: 'piped\n' })).stdout, 'piped\n');
  // A TTY container runs on crun (its exact output is the known issue below).
  assert.equal((await e.docker(['run', '--rm', '-t', 'busybox', 'true'])).code, 0);
  assert.match((await e.docker(['run', '--rm', '--read-only', 'busybox', 'touch', '/x'])).stderr, /Read-only file system/);
  const build = await e.docker(['build', '-q', '-t', 'crun-built', '-'], { input: 'FROM busybox\nRUN echo a > /a && echo b > /b\nRUN rm /a\n', env: { DOCKER_BUILDKIT: '0' } });
  assert.equal(build.code, 0, build.stderr);
  assert.equal((await e.docker(['run', '--rm', 'crun-built', 'sh', '-c', 'ls /a 2>/dev/null; cat /b'])).stdout, 'b\n');
  // The roots the daemon mounted for crun are gone with their containers.
  assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(e.root.replace(/[/.]/g, '\\$&')));
});

// Known issue, reported as a todo rather than hidden: with a TTY, crun 1.8 (Debian 12's) handles the
// terminal itself (`crun run` in the foreground with "terminal": true) and, in roughly a third of runs on
// this machine, writes a NUL byte before the container's output or swallows a quick container's output
// and prints it as one of its own red error lines. runc, the default, does not. Reproduced outside Berth
// with `script -qefc 'crun run --bundle B ID'` on the same bundle.
test('crun: a TTY container\'s output arrives exactly as written', { ...crunOpts, todo: 'crun 1.8 mangles the output of TTY containers now and then (see the comment)' }, async () => {
  const e = d!;
  for (let i = 0; i < 5; i++) {
    assert.equal((await e.docker(['run', '--rm', '-t', 'busybox', 'tty'])).stdout, '/dev/pts/0\r\n');
  }
});
