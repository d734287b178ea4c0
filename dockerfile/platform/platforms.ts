// Platform specifiers (`linux/arm64`, `linux/arm/v7`, `arm64`) read as Docker reads them (containerd's
// platforms.Parse), and the spellings that mean one machine made one (platforms.Normalize: aarch64 is
// arm64, x86_64 is amd64, armhf is arm/v7, ...). The builder's `--platform` and `FROM --platform`, pull's and
// import's `platform` and the registry's manifest-list choice all go through here, so they agree.
import type { Platform } from '../expansion/predefined.js';

/** Go's GOOS values: a one-word specifier that is one of these names an OS. */
const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows', 'zos']);

/** Go's GOARCH values: otherwise a one-word specifier must be one of these (after normalising). */
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);

const COMPONENT = /^[A-Za-z0-9_.-]+$/;

export function normalizeOs(os: string): string {
  const lower = os.toLowerCase();
  return lower === 'macos' ? 'darwin' : lower;
}

/** One architecture's spellings made one, as containerd does: the variant it implies, or none where it is the default. */
export function normalizeArchitecture(arch: string, variant?: string): { architecture: string; variant?: string } {
  const a = arch.toLowerCase();
  const v = (variant ?? '').toLowerCase();
  const out = (architecture: string, variant: string): { architecture: string; variant?: string } => (variant ? { architecture, variant } : { architecture });
  switch (a) {
    case 'i386': return out('386', '');
    case 'x86_64': case 'x86-64': case 'amd64': return out('amd64', v === 'v1' ? '' : v);
    case 'aarch64': case 'arm64':
      if (v === '8' || v === 'v8' || v === 'v8.0') return out('arm64', '');
      if (v === '9' || v === '9.0' || v === 'v9.0') return out('arm64', 'v9');
      return out('arm64', v);
    case 'armhf': return out('arm', 'v7');
    case 'armel': return out('arm', 'v6');
    case 'arm':
      if (v === '' || v === '7') return out('arm', 'v7');
      if (v === '5' || v === '6' || v === '8') return out('arm', `v${v}`);
      return out('arm', v);
    default: return out(a, v);
  }
}

/** The canonical form of a platform (an image's, a manifest list entry's, or a request's). */
export function normalizePlatform(p: Platform): Platform {
  const { architecture, variant } = normalizeArchitecture(p.architecture, p.variant);
  return { os: normalizeOs(p.os), architecture, ...(variant ? { variant } : {}), ...(p.osVersion ? { osVersion: p.osVersion } : {}) };
}

/**
 * `os`, `arch`, `os/arch` or `os/arch/variant`, normalised; what is left out comes from `defaults` (the
 * machine's own platform). A string says what is wrong with `raw`.
 */
export function parsePlatform(raw: string, defaults: Platform): Platform | string {
  const parts = raw.trim().split('/');
  const usage = `"${raw}" is not a platform: use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64`;
  if (parts.length > 3 || parts.some((p) => !COMPONENT.test(p))) return usage;
  const [first, arch, variant] = parts as [string, string | undefined, string | undefined];
  if (arch === undefined) {
    const os = normalizeOs(first);
    if (KNOWN_OS.has(os)) return normalizePlatform({ os, architecture: defaults.architecture, ...(defaults.variant ? { variant: defaults.variant } : {}) });
    const p = normalizeArchitecture(first);
    if (KNOWN_ARCH.has(p.architecture)) return { os: defaults.os, ...p };
    return `"${raw}" is neither an operating system nor an architecture: use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64`;
  }
  return normalizePlatform({ os: first, architecture: arch, ...(variant ? { variant } : {}) });
}

/** Node's name of this machine's architecture (process.arch) as Go/OCI spell it. */
export function goArch(nodeArch: string, littleEndian = true): string {
  switch (nodeArch) {
    case 'x64': return 'amd64';
    case 'ia32': return '386';
    case 'ppc64': return littleEndian ? 'ppc64le' : 'ppc64';
    case 'mipsel': return 'mipsle';
    default: return nodeArch;
  }
}
