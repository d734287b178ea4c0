// runc decides between its root and rootless cgroup handling per call, and as uid 0 of a user
// namespace it picks root's, which fails on the host's cgroup tree. Every caller (daemon, monitor,
// task runner) runs the OCI runtime by path, so a rootless daemon gives them this wrapper instead of
// passing a flag through each of them. It keeps runc's name: the monitor recognises runc by it.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The path to run instead of `binary`: itself for crun (it detects rootless itself), else the wrapper. */
export function rootlessRuntime(binary: string, dir: string): string {
  if (basename(binary) !== 'runc') return binary;
  mkdirSync(dir, { recursive: true });
  const wrapper = join(dir, 'runc');
  const quoted = `'${binary.replace(/'/g, `'\\''`)}'`;
  writeFileSync(wrapper, `#!/bin/sh\nexec ${quoted} --rootless true "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}
