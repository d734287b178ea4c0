// A seccomp profile resolved for one container into the OCI spec's linux.seccomp: the rules whose
// architecture, capability and kernel conditions hold, the architectures of this machine. This is
// what Docker does when it turns its profile into a container's spec.
import type { OciSeccomp, RuleCondition, SeccompProfile, SeccompRule } from './seccomp-profile.js';

export interface SeccompTarget {
  /** Go's name of the daemon's architecture: amd64, arm64, s390x... (`goArch`). */
  arch: string;
  /** The container's capabilities (CAP_...): its bounding set. */
  capabilities: string[];
  /** The kernel release, as os.release() gives it. */
  kernel: string;
}

/** Node's process.arch in Go's words, which profiles use. */
export function goArch(nodeArch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le', mipsel: 'mipsle' };
  return map[nodeArch] ?? nodeArch;
}

const NATIVE: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64', '386': 'SCMP_ARCH_X86', arm64: 'SCMP_ARCH_AARCH64', arm: 'SCMP_ARCH_ARM',
  s390x: 'SCMP_ARCH_S390X', s390: 'SCMP_ARCH_S390', ppc64le: 'SCMP_ARCH_PPC64LE', ppc64: 'SCMP_ARCH_PPC64',
  riscv64: 'SCMP_ARCH_RISCV64', mips64: 'SCMP_ARCH_MIPS64', mips64le: 'SCMP_ARCH_MIPSEL64', mips: 'SCMP_ARCH_MIPS', mipsle: 'SCMP_ARCH_MIPSEL',
};

function kernelAtLeast(release: string, min: string): boolean {
  const have = release.split(/[.-]/).slice(0, 3).map((n) => Number.parseInt(n, 10) || 0);
  const want = min.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i];
  }
  return true;
}

function includesHold(c: RuleCondition | undefined, t: SeccompTarget): boolean {
  if (!c) return true;
  if (c.arches?.length && !c.arches.includes(t.arch)) return false;
  if (c.caps?.length && !c.caps.every((cap) => t.capabilities.includes(cap))) return false;
  if (c.minKernel && !kernelAtLeast(t.kernel, c.minKernel)) return false;
  return true;
}

function excludesHit(c: RuleCondition | undefined, t: SeccompTarget): boolean {
  if (!c) return false;
  if (c.arches?.length && c.arches.includes(t.arch)) return true;
  if (c.caps?.length && c.caps.some((cap) => t.capabilities.includes(cap))) return true;
  if (c.minKernel && kernelAtLeast(t.kernel, c.minKernel)) return true;
  return false;
}

function ociRule(r: SeccompRule): OciSeccomp['syscalls'][number] {
  return {
    names: [...r.names], action: r.action,
    ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}),
    ...(r.args?.length ? { args: r.args.map((a) => ({ ...a })) } : {}),
  };
}

export function ociSeccomp(profile: SeccompProfile, target: SeccompTarget): OciSeccomp {
  const native = NATIVE[target.arch];
  const architectures = profile.architectures?.length
    ? [...profile.architectures]
    : (profile.archMap ?? []).filter((e) => e.architecture === native).flatMap((e) => [e.architecture, ...e.subArchitectures]);
  const out: OciSeccomp = {
    defaultAction: profile.defaultAction,
    architectures,
    syscalls: profile.rules.filter((r) => includesHold(r.includes, target) && !excludesHit(r.excludes, target)).map(ociRule),
  };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  if (profile.flags?.length) out.flags = [...profile.flags];
  if (profile.listenerPath) out.listenerPath = profile.listenerPath;
  if (profile.listenerMetadata) out.listenerMetadata = profile.listenerMetadata;
  return out;
}
