// What this host can enforce: seccomp (kernel and OCI runtime), AppArmor, SELinux; read once when the
// container engine opens. Everything that decides a container's confinement gets these as values.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { goArch } from './oci-seccomp.js';

export interface HostSecurity {
  /** The kernel has seccomp filters and the OCI runtime was built with libseccomp. */
  seccomp: boolean;
  /** Why not, when seccomp is false: one phrase for messages and warnings. */
  seccompMissing?: string;
  apparmor: boolean;
  selinux: boolean;
  /** Go's name of the architecture (amd64...). */
  arch: string;
  kernel: string;
}

export interface HostFiles {
  read(path: string): string | undefined;
  exists(path: string): boolean;
  /** `<runtime> --version` output, or undefined when it cannot be run. */
  runtimeVersion(binary: string): string | undefined;
}

export const realHostFiles: HostFiles = {
  read: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } },
  exists: existsSync,
  runtimeVersion: (binary) => {
    const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? r.stdout : undefined;
  },
};

/** runc prints "libseccomp: 2.5.4"; crun lists "+SECCOMP" among its features. */
export function runtimeHasSeccomp(versionText: string): boolean {
  return /^libseccomp:\s*\d/m.test(versionText) || /\+SECCOMP\b/.test(versionText);
}

export function detectHostSecurity(runtimeBinary: string, files: HostFiles = realHostFiles): HostSecurity {
  const status = files.read('/proc/self/status') ?? '';
  let seccompMissing: string | undefined;
  if (!/^Seccomp:/m.test(status) || !files.exists('/proc/sys/kernel/seccomp/actions_avail')) {
    seccompMissing = 'the kernel has no seccomp filter support (CONFIG_SECCOMP_FILTER)';
  } else {
    const version = files.runtimeVersion(runtimeBinary);
    if (version !== undefined && !runtimeHasSeccomp(version)) seccompMissing = `the OCI runtime ${runtimeBinary} was built without seccomp support`;
  }
  return {
    seccomp: seccompMissing === undefined,
    ...(seccompMissing ? { seccompMissing } : {}),
    apparmor: /^Y/.test(files.read('/sys/module/apparmor/parameters/enabled') ?? ''),
    selinux: files.exists('/sys/fs/selinux/enforce'),
    arch: goArch(),
    kernel: release(),
  };
}
