// The command server runs host commands from a small Perl process: the same results as forking them
// from the daemon (stdout, stderr, exit status, stdin), several at once, and a clear failure for a
// program that does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandServer } from '../../../runtime/network/command-server.js';
import { run } from '../../../runtime/network/host-commands.js';

test('runs a command with stdin and gives its stdout, stderr and exit status', async () => {
  const s = CommandServer.start();
  assert.ok(s, 'perl is installed (perl-base is Essential)');
  const r = await s.run('sh', ['-c', 'cat; echo err >&2; exit 3'], 'line one\nline two\n');
  assert.deepEqual(r, { status: 3, stdout: 'line one\nline two\n', stderr: 'err\n' });
  assert.deepEqual(await s.run('true', []), { status: 0, stdout: '', stderr: '' });
});

test('a signal is reported as 128 + its number; a missing program as -1 with the reason', async () => {
  const s = CommandServer.start()!;
  assert.equal((await s.run('sh', ['-c', 'kill -9 $$'])).status, 137);
  const missing = await s.run('berth-no-such-program', []);
  assert.equal(missing.status, -1);
  assert.match(missing.stderr, /No such file or directory/);
});

test('commands run side by side and each answer goes to its caller', async () => {
  const s = CommandServer.start()!;
  const t0 = Date.now();
  const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => s.run('sh', ['-c', `sleep 0.3; echo ${i}`])));
  assert.deepEqual(rs.map((r) => r.stdout), Array.from({ length: 8 }, (_, i) => `${i}\n`));
  assert.ok(Date.now() - t0 < 2000, 'eight 0.3 s commands took as long as one, not eight');
});

test('output larger than a pipe buffer comes back whole', async () => {
  const s = CommandServer.start()!;
  const r = await s.run('sh', ['-c', 'head -c 300000 /dev/zero | tr "\\0" x']);
  assert.equal(r.stdout.length, 300000);
});

test('run() throws with the command and what it printed; large input goes through a fork', async () => {
  await assert.rejects(run('sh', ['-c', 'echo bad thing >&2; exit 1']), /sh -c echo bad thing >&2; exit 1: bad thing/);
  const big = 'y'.repeat(100_000);
  assert.equal((await run('wc', ['-c'], big)).trim(), '100000');
  assert.equal(await run('cat', [], 'small'), 'small');
});

test('unmountRemove detaches a mount and removes its file, as ip netns del does', { skip: process.getuid?.() !== 0 ? 'needs root (mount)' : undefined }, async () => {
  const { mkdtempSync, writeFileSync, existsSync, rmSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'berth-cs-'));
  try {
    const target = join(dir, 'ns');
    writeFileSync(target, '');
    execFileSync('mount', ['--bind', '/proc/self/ns/net', target]);
    const s = CommandServer.start()!;
    assert.deepEqual(await s.unmountRemove(target), { status: 0, stdout: '', stderr: '' });
    assert.equal(existsSync(target), false);
    assert.doesNotMatch(execFileSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' }), new RegExp(target));
    const again = await s.unmountRemove(target);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /cannot remove .*No such file or directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
