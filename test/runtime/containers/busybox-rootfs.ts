// Test helper: a busybox-static root filesystem in a directory (one image layer), plus the
// prerequisite checks that fail under CI and skip elsewhere.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeBusyboxLayer(dir: string): string {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'etc'), { recursive: true });
  for (const d of ['tmp', 'root', 'proc', 'sys', 'dev', 'var/www', 'home/app']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) if (a !== 'busybox') symlinkSync('busybox', join(dir, 'bin', a));
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\nwheel:x:10:app\n');
  return dir;
}

/** undefined when everything is there, else what is missing. */
export function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return 'root';
  if (!existsSync('/bin/busybox')) return 'busybox-static (/bin/busybox)';
  try { execFileSync('runc', ['--version'], { stdio: 'ignore' }); } catch { return 'runc'; }
  return undefined;
}

/** Options for node:test: skip with a reason locally, fail under CI=true. */
export function requireRoot(): { skip?: string } {
  const missing = missingPrerequisite();
  if (!missing) return {};
  if (process.env.CI === 'true') throw new Error(`prerequisite missing: ${missing} (CI=true, so this fails instead of skipping)`);
  return { skip: `needs ${missing}` };
}
