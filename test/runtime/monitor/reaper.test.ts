// The monitor host's subreaper, with a stand-in for the OCI runtime: a few lines of Perl that fork the
// "container", write its pid file and exit without waiting for it, as `runc run --detach` does (a
// shell would not do: it reaps its own background jobs). The container is then the subreaper's to
// reap; its exit status must arrive whichever ends first.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SharedReaper, type ReaperPipes } from '../../../runtime/monitor/reaper.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-reaper-'));
let reaper: SharedReaper | undefined;
after(() => { reaper?.close(); rmSync(dir, { recursive: true, force: true }); });

async function start(): Promise<SharedReaper> {
  reaper ??= await SharedReaper.start();
  assert.ok(reaper, 'perl is installed (perl-base is Essential on Debian)');
  return reaper;
}

function exitOf(r: SharedReaper, job: string): Promise<number> {
  return new Promise((resolve) => {
    const on = (j: string, code: number): void => { if (j === job) { r.off('exit', on); resolve(code); } };
    r.on('exit', on);
  });
}

function read(s: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => { let t = ''; s.on('data', (d: Buffer) => { t += d; }); s.on('end', () => resolve(t)); s.on('close', () => resolve(t)); });
}

/** argv of a detached "runtime" that starts `container` (a shell snippet), lingering `lingerMs` first. */
function detachedRuntime(pidFile: string, container: string, lingerMs = 0): string[] {
  const script = 'my $p = fork() // die; if ($p == 0) { exec "/bin/sh", "-c", $ARGV[1]; } open(my $f, ">", $ARGV[0]) or die; print $f $p; close $f; select(undef, undef, undef, $ARGV[2] / 1000); exit 0';
  return ['/usr/bin/perl', '-e', script, pidFile, container, String(lingerMs)];
}

/** Runs `container` (a shell snippet) the way a detached runtime would; its pid file names it. */
async function run(job: string, container: string, lingerMs = 0): Promise<{ code: number; out: string; err: string; pipes: ReaperPipes }> {
  const r = await start();
  const pipes = await r.pipes(job);
  const pidFile = join(dir, `${job}.pid`);
  const exit = exitOf(r, job);
  const out = read(pipes.stdout);
  const err = read(pipes.stderr);
  r.run(job, detachedRuntime(pidFile, container, lingerMs), pidFile);
  return { code: await exit, out: await out, err: await err, pipes };
}

test('the container\'s exit code and output arrive after the runtime has gone', async () => {
  const r = await run('a1', 'sleep 0.3; echo out; echo err >&2; exit 7');
  assert.deepEqual([r.code, r.out, r.err], [7, 'out\n', 'err\n']);
});

test('a container that ends before its runtime is still reported', async () => {
  // The runtime lingers: the container is a zombie by the time the runtime exits and both are reaped.
  const r = await run('a2', 'exit 5', 200);
  assert.equal(r.code, 5);
  for (let i = 0; i < 5; i++) assert.equal((await run(`a2-${i}`, `exit ${10 + i}`)).code, 10 + i);
});

test('a container killed by a signal: 128 + the signal', async () => {
  const r = await run('a3', 'kill -9 $$');
  assert.equal(r.code, 137);
});

test('a runtime that fails: its exit code, what it said on stderr', async () => {
  const rr = await start();
  const pipes = await rr.pipes('a4');
  const exit = exitOf(rr, 'a4');
  const err = read(pipes.stderr);
  rr.run('a4', ['/bin/sh', '-c', 'echo cannot start >&2; exit 3'], join(dir, 'a4.pid'));
  assert.equal(await exit, 3);
  assert.equal(await err, 'cannot start\n');
  const missing = await rr.pipes('a5');
  const exit5 = exitOf(rr, 'a5');
  const err5 = read(missing.stderr);
  rr.run('a5', ['/no/such/runtime'], join(dir, 'a5.pid'));
  assert.equal(await exit5, 127);
  assert.match(await err5, /exec \/no\/such\/runtime/);
});

test('stdin goes through its pipe; many jobs at once each get their own', async () => {
  const rr = await start();
  const jobs = Array.from({ length: 8 }, (_, i) => `m${i}`);
  const results = await Promise.all(jobs.map(async (job, i) => {
    const pipes = await rr.pipes(job);
    const pidFile = join(dir, `${job}.pid`);
    const exit = exitOf(rr, job);
    const out = read(pipes.stdout);
    rr.run(job, detachedRuntime(pidFile, `read line; echo "$line"; exit ${i}`), pidFile);
    pipes.stdin.end(`line ${i}\n`);
    return [await exit, await out];
  }));
  assert.deepEqual(results, jobs.map((_, i) => [i, `line ${i}\n`]));
});

test('jobs started together each get their own pipes (one set is made ahead, the others on demand)', async () => {
  const rs = await Promise.all([0, 1, 2, 3].map((i) => run(`c${i}`, `echo job${i}; exit ${20 + i}`)));
  assert.deepEqual(rs.map((r) => [r.code, r.out]), [0, 1, 2, 3].map((i) => [20 + i, `job${i}\n`]));
});
