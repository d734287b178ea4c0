// runc takes the systemd driver as a global flag (--systemd-cgroup) on `run`; every part of Berth
// runs the OCI runtime by path (daemon, monitors, task runner), so the daemon hands them a wrapper
// that adds the flag instead of threading it through each, as the rootless wrapper does. It keeps
// the runtime's name: the monitor recognises runc by it.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** `binary` itself when the driver needs no flags, else a wrapper in `dir` that passes them. */
export function runtimeWithFlags(binary: string, flags: readonly string[], dir: string): string {
  if (!flags.length) return binary;
  mkdirSync(dir, { recursive: true });
  const wrapper = join(dir, basename(binary));
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(wrapper, `#!/bin/sh\nexec ${quote(binary)} ${flags.map(quote).join(' ')} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}
