// Container lifecycle against berthd with the docker CLI and dockerode (needs root, runc, the docker
// CLI, dist/ built): stop with a timeout, kill signals, restart policies, health checks, list
// filters, prune, events, and kill -9 of the daemon with containers running.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); });

async function inspect(name: string): Promise<{ State: { Status: string; ExitCode: number; Running: boolean; Health?: { Status: string; FailingStreak: number; Log: { ExitCode: number }[] } }; RestartCount: number }> {
  return JSON.parse((await e.docker(['inspect', name])).stdout)[0];
}

test('stop: SIGTERM first, SIGKILL after the timeout; a trapping process exits cleanly', opts, async () => {
  // A shell as pid 1 ignores SIGTERM (no handler): stop has to escalate to SIGKILL.
  assert.equal((await e.docker(['run', '-d', '--name', 'stubborn', 'busybox', 'sh', '-c', 'while true; do sleep 1; done'])).code, 0);
  assert.equal((await e.docker(['stop', '-t', '1', 'stubborn'])).code, 0);
  assert.equal((await inspect('stubborn')).State.ExitCode, 137);
  // With a trap the process exits by itself on SIGTERM, with its own code.
  assert.equal((await e.docker(['run', '-d', '--name', 'polite', 'busybox', 'sh', '-c', 'trap "exit 3" TERM; while true; do sleep 0.1; done'])).code, 0);
  await eventually('polite to run', async () => ((await inspect('polite')).State.Running ? true : undefined));
  assert.equal((await e.docker(['stop', '-t', '30', 'polite'])).code, 0);
  assert.equal((await inspect('polite')).State.ExitCode, 3);
  // Stopping a stopped container is a no-op (304 for the API).
  assert.equal((await e.docker(['stop', 'polite'])).code, 0);
  await assert.rejects(e.client.getContainer('polite').stop(), (err: { statusCode: number }) => err.statusCode === 304);
  // kill -s sends that signal; killing a stopped container is a 409.
  assert.equal((await e.docker(['run', '-d', '--name', 'hup', 'busybox', 'sh', '-c', 'trap "exit 12" HUP; while true; do sleep 0.1; done'])).code, 0);
  await eventually('hup to run', async () => ((await inspect('hup')).State.Running ? true : undefined));
  assert.equal((await e.docker(['kill', '-s', 'HUP', 'hup'])).code, 0);
  assert.equal((await e.docker(['wait', 'hup'])).stdout.trim(), '12');
  await assert.rejects(e.client.getContainer('hup').kill(), (err: { statusCode: number }) => err.statusCode === 409);
  // restart runs it again
  assert.equal((await e.docker(['restart', '-t', '0', 'stubborn'])).code, 0);
  assert.equal((await inspect('stubborn')).State.Running, true);
  // rm of a running container needs force (409), rm -f works
  const rm = await e.docker(['rm', 'stubborn']);
  assert.notEqual(rm.code, 0);
  assert.match(rm.stderr, /container is running: stop the container before removing or force remove/);
  assert.equal((await e.docker(['rm', '-f', 'stubborn', 'polite', 'hup'])).code, 0);
});

test('restart policies: on-failure with a retry limit, always, unless-stopped after a manual stop, no', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'onfail', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo run; exit 1'])).code, 0);
  await eventually('two restarts, then exited', async () => {
    const s = await inspect('onfail');
    return s.State.Status === 'exited' && s.RestartCount === 2 ? s : undefined;
  });
  assert.equal((await e.docker(['logs', 'onfail'])).stdout, 'run\nrun\nrun\n');

  assert.equal((await e.docker(['run', '-d', '--name', 'okexit', '--restart', 'on-failure', 'busybox', 'true'])).code, 0);
  await eventually('okexit to exit', async () => ((await inspect('okexit')).State.Status === 'exited' ? true : undefined));
  assert.equal((await inspect('okexit')).RestartCount, 0, 'exit 0 is not a failure');

  assert.equal((await e.docker(['run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sh', '-c', 'exit 0'])).code, 0);
  await eventually('always to restart twice', async () => ((await inspect('always')).RestartCount >= 2 ? true : undefined));
  assert.equal((await e.docker(['stop', 'always'])).code, 0);
  const stopped = await inspect('always');
  assert.equal(stopped.State.Status, 'exited');

  assert.equal((await e.docker(['run', '-d', '--name', 'unless', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000'])).code, 0);
  assert.equal((await e.docker(['stop', '-t', '0', 'unless'])).code, 0);
  assert.equal((await inspect('unless')).State.Status, 'exited');

  assert.equal((await e.docker(['rm', '-f', 'onfail', 'okexit', 'always', 'unless'])).code, 0);
  // --rm and a restart policy do not mix
  const bad = await e.client.createContainer({ Image: 'busybox', Cmd: ['true'], HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } } }).catch((err: { statusCode: number }) => err);
  assert.equal((bad as { statusCode: number }).statusCode, 400);
});

test('health checks: starting, healthy, unhealthy after retries; status in ps and events', opts, async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  assert.equal((await e.docker(['run', '-d', '--name', 'hc', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '100ms', '--health-retries', '2', '--health-timeout', '2s', 'busybox', 'sleep', '1000'])).code, 0);
  const unhealthy = await eventually('unhealthy', async () => { const s = await inspect('hc'); return s.State.Health?.Status === 'unhealthy' ? s : undefined; });
  assert.ok(unhealthy.State.Health!.FailingStreak >= 2);
  assert.equal(unhealthy.State.Health!.Log[0].ExitCode, 1);
  assert.match((await e.docker(['ps', '--format', '{{.Status}}', '-f', 'name=hc'])).stdout, /\(unhealthy\)/);
  await e.docker(['exec', 'hc', 'touch', '/tmp/ok']);
  await eventually('healthy', async () => ((await inspect('hc')).State.Health?.Status === 'healthy' ? true : undefined));
  assert.equal((await e.docker(['ps', '-q', '-f', 'health=healthy'])).stdout.trim().length, 12);
  const events = await e.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=hc', '--format', '{{.Action}}']);
  assert.match(events.stdout, /health_status: unhealthy/);
  assert.match(events.stdout, /health_status: healthy/);
  // A probe that hangs past its timeout counts as a failure.
  assert.equal((await e.docker(['run', '-d', '--name', 'slow', '--health-cmd', 'sleep 5', '--health-interval', '100ms', '--health-timeout', '200ms', '--health-retries', '1', 'busybox', 'sleep', '1000'])).code, 0);
  const slow = await eventually('the timed-out probe', async () => { const s = await inspect('slow'); return s.State.Health?.Status === 'unhealthy' ? s : undefined; });
  assert.equal(slow.State.Health!.Log[0].ExitCode, -1);
  // --no-healthcheck and images without one: no Health at all.
  assert.equal((await e.docker(['run', '-d', '--name', 'nohc', 'busybox', 'sleep', '1000'])).code, 0);
  assert.equal((await inspect('nohc')).State.Health, undefined);
  assert.equal((await e.docker(['rm', '-f', 'hc', 'slow', 'nohc'])).code, 0);
});

test('list filters and prune', opts, async () => {
  assert.equal((await e.docker(['run', '--name', 'f-exit3', '--label', 'team=a', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
  assert.equal((await e.docker(['run', '-d', '--name', 'f-run', '--label', 'team=b', 'busybox', 'sleep', '1000'])).code, 0);
  assert.equal((await e.docker(['create', '--name', 'f-created', 'busybox', 'true'])).code, 0);
  const names = async (...args: string[]) => (await e.docker(['ps', '--format', '{{.Names}}', ...args])).stdout.trim().split('\n').filter(Boolean).sort();
  assert.deepEqual(await names(), ['f-run']);
  assert.deepEqual(await names('-a'), ['f-created', 'f-exit3', 'f-run']);
  assert.deepEqual(await names('-a', '-f', 'status=exited'), ['f-exit3']);
  assert.deepEqual(await names('-a', '-f', 'exited=3'), ['f-exit3']);
  assert.deepEqual(await names('-a', '-f', 'label=team=a'), ['f-exit3']);
  assert.deepEqual(await names('-a', '-f', 'label=team'), ['f-exit3', 'f-run']);
  assert.deepEqual(await names('-a', '-f', 'name=f-c'), ['f-created']);
  assert.deepEqual(await names('-a', '-f', 'ancestor=busybox'), ['f-created', 'f-exit3', 'f-run']);
  assert.deepEqual(await names('-a', '-f', 'status=created'), ['f-created']);
  const id = (await e.docker(['inspect', '-f', '{{.Id}}', 'f-run'])).stdout.trim();
  assert.deepEqual(await names('-a', '-f', `id=${id.slice(0, 6)}`), ['f-run']);
  const bad = await e.docker(['ps', '-f', 'colour=red']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /invalid filter 'colour'/);
  // prune with a label filter removes only matching stopped containers
  const pruneA = await e.docker(['container', 'prune', '-f', '--filter', 'label=team=a']);
  assert.equal(pruneA.code, 0, pruneA.stderr);
  assert.deepEqual(await names('-a'), ['f-created', 'f-run']);
  const prune = await e.client.pruneContainers();
  assert.equal(prune.ContainersDeleted?.length, 1);
  assert.deepEqual(await names('-a'), ['f-run']);
  await e.docker(['rm', '-f', 'f-run']);
});

test('kill -9 of the daemon: containers keep running, the restarted daemon lists them with logs and exit codes', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'survivor', 'busybox', 'sh', '-c', 'echo before; exec sleep 1000'])).code, 0);
  assert.equal((await e.docker(['run', '-d', '--name', 'finisher', 'busybox', 'sh', '-c', 'echo first; while [ ! -f /tmp/go ]; do sleep 0.05; done; echo second; exit 7'])).code, 0);
  assert.equal((await e.docker(['run', '-d', '--name', 'watched', '--restart', 'always', '--health-cmd', 'true', '--health-interval', '100ms', 'busybox', 'sleep', '1000'])).code, 0);
  assert.equal((await e.docker(['create', '--name', 'just-created', 'busybox', 'true'])).code, 0);
  await eventually('the first output', async () => ((await e.docker(['logs', 'finisher'])).stdout === 'first\n' ? true : undefined));
  const survivorPid = (await inspect('survivor') as unknown as { State: { Pid: number } }).State.Pid;
  await e.crash();
  // While the daemon is down: the containers run on (their monitors hold them), and one finishes.
  assert.ok(survivorPid > 0);
  process.kill(survivorPid, 0);
  await e.restart();
  const ps = (await e.docker(['ps', '-a', '--format', '{{.Names}} {{.State}}'])).stdout;
  assert.match(ps, /survivor running/);
  assert.match(ps, /watched running/);
  assert.match(ps, /finisher running/);
  assert.match(ps, /just-created created/);
  // Names stay taken after the restart.
  assert.notEqual((await e.docker(['create', '--name', 'just-created', 'busybox', 'true'])).code, 0);
  assert.equal((await e.docker(['logs', 'survivor'])).stdout, 'before\n');
  assert.equal((await e.docker(['exec', 'finisher', 'touch', '/tmp/go'])).code, 0);
  assert.equal((await e.docker(['wait', 'finisher'])).stdout.trim(), '7');
  assert.equal((await e.docker(['logs', 'finisher'])).stdout, 'first\nsecond\n');
  await eventually('health checks resume', async () => ((await inspect('watched')).State.Health?.Status === 'healthy' ? true : undefined));
  // A container that exits while the daemon is down is found exited, with its code.
  await e.crash();
  process.kill(survivorPid, 'SIGKILL');
  await e.restart();
  const s = await eventually('the survivor to be seen exited', async () => { const x = await inspect('survivor'); return x.State.Status === 'exited' ? x : undefined; });
  assert.equal(s.State.ExitCode, 137);
  assert.equal((await e.docker(['rm', '-f', 'survivor', 'finisher', 'watched', 'just-created'])).code, 0);
});

test('an attached docker run keeps getting its output when the daemon is killed meanwhile', opts, async () => {
  // The CLI's attach connection is served by the container's monitor, not by berthd.
  const { spawn } = await import('node:child_process');
  const run = spawn('docker', ['run', '--rm', '--name', 'steady', 'busybox', 'sh', '-c', 'echo one; while [ ! -f /tmp/go ]; do sleep 0.05; done; echo two'], { env: e.env });
  let out = '';
  const t0 = Date.now(); const marks: string[] = [];
  run.stdout.on('data', (d: Buffer) => { out += d; marks.push(`${Date.now() - t0} out ${JSON.stringify(String(d))}`); });
  run.stderr.on('data', (d: Buffer) => { marks.push(`${Date.now() - t0} err ${JSON.stringify(String(d))}`); });
  run.on('exit', (c) => marks.push(`${Date.now() - t0} exit ${c}`));
  await eventually('the first line', async () => (out === 'one\n' ? true : undefined));
  // Output comes straight from the monitor and can overtake the reply to the CLI's start request; a crash
  // before that reply ends the CLI (as with any engine). An exec served after the start answers it.
  assert.equal((await e.docker(['exec', 'steady', 'true'])).code, 0);
  await e.crash(); marks.push(`${Date.now() - t0} crashed`);
  await e.restart(); marks.push(`${Date.now() - t0} restarted`);
  assert.equal((await e.docker(['exec', 'steady', 'touch', '/tmp/go'])).code, 0); marks.push(`${Date.now() - t0} touched`);
  try {
    await eventually('the second line', async () => (out === 'one\ntwo\n' ? true : undefined));
  } catch (err) {
    const logs = await e.docker(['logs', 'steady']);
    const state = await e.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'steady']);
    throw new Error(`${(err as Error).message}; CLI output ${JSON.stringify(out)}, exit ${run.exitCode}, container log ${JSON.stringify(logs.stdout + logs.stderr)}, state ${state.stdout}${state.stderr}; marks ${marks.join(' | ')}; daemon log: ${e.log().slice(-1500)}`);
  }
  run.kill();
});
