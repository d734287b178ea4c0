// One daemon per root: a live owner keeps the lock; a dead or zombie owner's lock is taken over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RootLock } from '../../../runtime/daemon/root-lock.js';

function withRoot(f: (root: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-lock-'));
    try { await f(root); } finally { rmSync(root, { recursive: true, force: true }); }
  };
}

/** A process that stays a zombie for a few seconds: its parent execs into sleep and never reaps it. */
async function zombie(): Promise<{ pid: number; parent: ReturnType<typeof spawn> }> {
  const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  for (let i = 0; i < 100; i++) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return { pid, parent };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} did not become a zombie`);
}

test('the lock is taken, released, and refused while its owner lives', withRoot((root) => {
  const lock = RootLock.acquire(root);
  assert.equal(readFileSync(join(root, 'berthd.pid'), 'utf8'), `${process.pid}\n`);
  const other = process.ppid; // alive, and not us
  assert.throws(() => RootLock.acquire(root, other), /another berthd \(pid \d+\) is already using the root/);
  lock.release();
  RootLock.acquire(root, other);
}));

test('a lock left by a dead process is taken over', withRoot((root) => {
  writeFileSync(join(root, 'berthd.pid'), '999999999\n');
  RootLock.acquire(root);
  assert.equal(readFileSync(join(root, 'berthd.pid'), 'utf8'), `${process.pid}\n`);
}));

test('a lock held by a killed daemon not yet reaped (a zombie) is taken over', withRoot(async (root) => {
  const z = await zombie();
  try {
    writeFileSync(join(root, 'berthd.pid'), `${z.pid}\n`);
    RootLock.acquire(root);
    assert.equal(readFileSync(join(root, 'berthd.pid'), 'utf8'), `${process.pid}\n`);
  } finally {
    z.parent.kill('SIGKILL');
  }
}));
