// The platforms a build targets: `--platform` of the request and `FROM --platform=` of a stage. The
// host's own platform runs natively; another architecture runs its RUN steps through qemu-user-static,
// which the kernel starts for foreign binaries (binfmt_misc). The handler must be registered with the
// F flag (Debian's qemu-user-static does this), so the kernel opened the emulator when it was
// registered and finds it inside a container's root too.
import { readFileSync } from 'node:fs';
import { InvalidError } from '../errdefs.js';
import { formatPlatform, type Platform } from '../../dockerfile/expansion/predefined.js';
import { normalizeArchitecture, normalizeOs } from '../../dockerfile/platform/platforms.js';
import { hostPlatform, requestedPlatform } from '../images/platform.js';

const BINFMT = '/proc/sys/fs/binfmt_misc';

/** GOARCH → the name qemu-user-static registers its binfmt_misc handler under. */
const QEMU_NAMES: Record<string, string> = {
  arm64: 'aarch64', arm: 'arm', '386': 'i386', ppc64le: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips64le: 'mips64el', amd64: 'x86_64',
};

/** Parses `os[/arch[/variant]]` as Docker does; the architecture defaults to the host's. */
export function parseBuildPlatform(raw: string, what = 'platform'): Platform {
  return requestedPlatform(raw, what, 'builds');
}

/** True when images of `p` run here without emulation. */
export function isNative(p: Platform): boolean {
  return p.os === 'linux' && p.architecture === hostPlatform().architecture;
}

/** Refuses a platform whose programs this machine cannot run: names what to install. */
export function checkRunnable(p: Platform, raw: string): void {
  if (isNative(p)) return;
  const handler = QEMU_NAMES[p.architecture];
  const host = formatPlatform(hostPlatform());
  if (!handler) {
    throw new InvalidError(`platform "${raw}" is not supported: qemu-user-static has no emulator for ${p.architecture}; this engine builds ${host} images natively`);
  }
  let status: string;
  try {
    status = readFileSync(`${BINFMT}/qemu-${handler}`, 'utf8');
  } catch {
    const mounted = readable(`${BINFMT}/status`);
    throw new InvalidError(mounted
      ? `platform "${raw}" needs emulation and this machine has no binfmt_misc handler for ${p.architecture}: install qemu-user-static (apt-get install qemu-user-static binfmt-support); builds for ${host} need nothing`
      : `platform "${raw}" needs emulation and binfmt_misc is not mounted: mount it (mount -t binfmt_misc binfmt_misc ${BINFMT}) and install qemu-user-static; builds for ${host} need nothing`);
  }
  const lines = status.split('\n');
  if (lines[0] !== 'enabled') {
    throw new InvalidError(`platform "${raw}" needs emulation and the binfmt_misc handler qemu-${handler} is disabled: enable it (update-binfmts --enable qemu-${handler})`);
  }
  const flags = lines.find((l) => l.startsWith('flags:'))?.slice('flags:'.length).trim() ?? '';
  if (!flags.includes('F')) {
    // Without F the kernel looks the emulator up by path inside the container's root, where it is missing.
    throw new InvalidError(`platform "${raw}" needs emulation and the binfmt_misc handler qemu-${handler} lacks the F (fix binary) flag, so it cannot start inside a container: re-register it with update-binfmts --package qemu-user-static --install, or install Debian's qemu-user-static`);
  }
}

/** True when an image of platform `have` serves a request for `want`. */
export function platformMatches(have: { architecture?: string; os?: string; variant?: string }, want: Platform): boolean {
  const h = normalizeArchitecture(have.architecture ?? '', have.variant);
  return normalizeOs(have.os ?? 'linux') === want.os && h.architecture === want.architecture
    && (want.variant === undefined || h.variant === undefined || h.variant === want.variant);
}

function readable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
