// The syscall-probe test image: busybox-static's root filesystem plus fixtures/syscall-probe.c built
// static, once as /syscall-probe and once setuid root as /syscall-probe-suid. The same tar is imported
// into every engine a test compares.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar-stream';

export const PROBE_SOURCE = join(__dirname, 'fixtures', 'syscall-probe.c');

/** What is missing to build the probe (gcc and a static libc), or undefined. */
export function missingForProbe(): string | undefined {
  try { execFileSync('gcc', ['--version'], { stdio: 'ignore' }); } catch { return 'gcc (apt-get install gcc)'; }
  const libc = ['/usr/lib/x86_64-linux-gnu/libc.a', '/usr/lib/aarch64-linux-gnu/libc.a', '/usr/lib/libc.a'];
  if (!libc.some(existsSync)) return 'a static libc (apt-get install libc6-dev)';
  return undefined;
}

export function compileProbe(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'berth-probe-'));
  try {
    const out = join(dir, 'syscall-probe');
    execFileSync('gcc', ['-static', '-O1', '-o', out, PROBE_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** busybox rootfs + the probe, as one tar for `docker import`. */
export async function probeImageTar(): Promise<Buffer> {
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const base: Buffer = await busyboxRootfsTar();
  const probe = compileProbe();
  const pack = tar.pack();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      stream.pipe(pack.entry(header, next));
    });
    extract.on('finish', () => {
      const mtime = new Date('2024-01-01T00:00:00Z');
      pack.entry({ name: 'syscall-probe', mode: 0o755, uid: 0, gid: 0, mtime }, probe);
      pack.entry({ name: 'syscall-probe-suid', mode: 0o4755, uid: 0, gid: 0, mtime }, probe);
      pack.finalize();
      resolve();
    });
    extract.on('error', reject);
  });
  extract.end(base);
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  await done;
  return Buffer.concat(chunks);
}

/** "name result" lines of the probe into a map. */
export function probeResults(stdout: string): Map<string, string> {
  return new Map(stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ', 2) as [string, string]));
}
