// Containers through the real docker CLI against the built daemon (needs root, runc, dist/ built).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireRoot } from '../containers/busybox-rootfs.js';

const opts = requireRoot();
const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
const sock = join(dir, 's.sock');
let daemon: ChildProcess | undefined;
const env = { ...process.env, DOCKER_HOST: `unix://${sock}` };
const docker = (...args: string[]) => spawnSync('docker', args, { env, encoding: 'utf8', timeout: 60_000 });

function startDaemon(): Promise<void> {
  daemon = spawn(process.execPath, [join(__dirname, '../../../dist/runtime.js'), '--socket', sock, '--root', join(dir, 'root')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    daemon!.stdout!.once('data', () => resolve());
    daemon!.once('exit', (code) => reject(new Error(`daemon exited ${code}`)));
  });
}

before(async () => {
  if (opts.skip) return;
  await startDaemon();
  const m = await import('../../../scripts/lib/busybox-rootfs.mjs');
  await m.writeBusyboxRootfsTar(join(dir, 'bb.tar'));
  assert.equal(docker('import', join(dir, 'bb.tar'), 'busybox:latest').status, 0);
});
after(() => {
  if (!opts.skip) for (const id of docker('ps', '-aq').stdout.split('\n').filter(Boolean)) docker('rm', '-f', id);
  daemon?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

test('isolation: pid 1, hostname, CapEff, kcore masked, exit code', opts, () => {
  const r = docker('run', '--rm', '--hostname', 'boxy', 'busybox', 'sh', '-c', 'echo pid=$$; hostname; grep CapEff /proc/self/status; cat /proc/kcore | wc -c; exit 3');
  assert.equal(r.status, 3);
  assert.match(r.stdout, /pid=1\nboxy\nCapEff:\s+00000000a80425fb\n0\n/);
});

test('memory hog is OOMKilled; unknown command is 127; name conflict is 409', opts, () => {
  assert.equal(docker('run', '--name', 'hog', '-m', '16m', 'busybox', 'tail', '/dev/zero').status, 137);
  assert.equal(docker('inspect', '-f', '{{.State.OOMKilled}}', 'hog').stdout.trim(), 'true');
  assert.equal(docker('run', '--rm', 'busybox', 'nonexistent').status, 127);
  const dup = docker('create', '--name', 'hog', 'busybox', 'true');
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /already in use/);
  docker('rm', 'hog');
});

test('published port answers HTTP from the host; exec; logs', opts, async () => {
  const r = docker('run', '-d', '--name', 'web', '-p', '127.0.0.1:18089:80', 'busybox', 'sh', '-c', 'mkdir -p /www; echo hello > /www/index.html; echo started; httpd -f -p 80 -h /www');
  assert.equal(r.status, 0, r.stderr);
  let body = '';
  for (let i = 0; i < 50 && !body; i++) {
    body = await fetch('http://127.0.0.1:18089/index.html').then((x) => x.text(), () => '');
    if (!body) await new Promise((res) => setImmediate(res));
  }
  assert.equal(body, 'hello\n');
  const ex = docker('exec', 'web', 'sh', '-c', 'echo in-exec; exit 5');
  assert.equal(ex.status, 5);
  assert.equal(ex.stdout, 'in-exec\n');
  assert.match(docker('logs', 'web').stdout, /started/);
  assert.equal(docker('stop', '-t', '1', 'web').status, 0);
  const stopped = docker('exec', 'web', 'true');
  assert.notEqual(stopped.status, 0);
  assert.match(stopped.stderr, /is not running/);
  docker('rm', 'web');
});

test('named volume keeps data; stdin; --rm removes', opts, () => {
  docker('volume', 'create', 'vol1');
  assert.equal(docker('run', '--rm', '-v', 'vol1:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f').status, 0);
  assert.equal(docker('run', '--rm', '-v', 'vol1:/data', 'busybox', 'cat', '/data/f').stdout, 'kept\n');
  const r = spawnSync('docker', ['run', '--rm', '-i', 'busybox', 'cat'], { env, input: 'piped\n', encoding: 'utf8' });
  assert.equal(r.stdout, 'piped\n');
  assert.equal(docker('ps', '-aq').stdout.trim(), '');
});

test('kill -9 of the daemon: containers keep running and logs stay', opts, async () => {
  assert.equal(docker('run', '-d', '--name', 'keep', 'busybox', 'sh', '-c', 'echo first; sleep 1000').status, 0);
  const old = daemon!;
  const gone = new Promise((res) => old.once('exit', res));
  old.kill('SIGKILL');
  await gone;
  await startDaemon();
  assert.match(docker('ps', '--format', '{{.Names}} {{.State}}').stdout, /keep running/);
  assert.match(docker('logs', 'keep').stdout, /first/);
  assert.equal(docker('rm', '-f', 'keep').status, 0);
});
