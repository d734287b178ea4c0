// berthd as a process: ready line, socket mode, one daemon per root, stale locks, clean shutdown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RUNTIME_BUNDLE } from '../../helpers/berthd-process.js';
import { startDaemon } from '../../helpers/daemon.js';

test('prints one ready line, listens on a 0600 socket and removes it on SIGTERM', async () => {
  const d = await startDaemon();
  try {
    assert.equal(d.readyLine, `berthd ready on ${d.socket} (root ${d.root})`);
    assert.equal(statSync(d.socket).mode & 0o777, 0o600);
    assert.equal(await d.stop('SIGTERM'), 0);
    assert.ok(!existsSync(d.socket), 'socket removed');
    assert.ok(!existsSync(join(d.root, 'berthd.pid')), 'lock released');
  } finally {
    await d.stop();
    await d.cleanup();
  }
});

test('a second daemon on the same root is refused with a clear message', async () => {
  const d = await startDaemon();
  try {
    const r = spawnSync(process.execPath, [RUNTIME_BUNDLE, '--root', d.root, '--socket', `${d.socket}.2`], { encoding: 'utf8', timeout: 15000 });
    assert.equal(r.status, 1);
    // The lock's pid: the daemon itself (as an ordinary user that is the rootless daemon inside its
    // namespace, not the launcher the test started).
    const owner = readFileSync(join(d.root, 'berthd.pid'), 'utf8').trim();
    assert.match(r.stderr, new RegExp(`another berthd \\(pid ${owner}\\) is already using the root`));
    assert.equal(r.stdout, '');
  } finally {
    await d.stop();
    await d.cleanup();
  }
});

test('a stale lock from a dead process is taken over; SIGINT also shuts down cleanly', async () => {
  const base = mkdtempSync(join(tmpdir(), 'berth-lock-'));
  try {
    const root = join(base, 'root');
    spawnSync('mkdir', ['-p', root]);
    // A pid that cannot be alive: beyond pid_max.
    writeFileSync(join(root, 'berthd.pid'), '4194305\n');
    const d = await startDaemon({ root });
    assert.equal(await d.stop('SIGINT'), 0);
    await d.cleanup();
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('--help prints usage', () => {
  const r = spawnSync(process.execPath, [RUNTIME_BUNDLE, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: berthd \[--socket PATH\] \[--root DIR\] \[--oci-runtime PATH\]/);
});

test('temp leftovers in the root are removed on start', async () => {
  const base = mkdtempSync(join(tmpdir(), 'berth-tmp-'));
  try {
    const root = join(base, 'root');
    spawnSync('mkdir', ['-p', join(root, 'tmp', 'layer-dead')]);
    writeFileSync(join(root, 'tmp', 'blob-dead'), 'partial');
    const d = await startDaemon({ root });
    assert.ok(!existsSync(join(root, 'tmp', 'blob-dead')));
    assert.ok(!existsSync(join(root, 'tmp', 'layer-dead')));
    await d.stop();
    await d.cleanup();
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
