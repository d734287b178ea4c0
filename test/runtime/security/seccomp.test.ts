import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SECCOMP_PROFILE } from '../../../runtime/security/default-seccomp.js';
import { ociSeccomp, type SeccompTarget } from '../../../runtime/security/oci-seccomp.js';
import { parseSeccompProfile } from '../../../runtime/security/profile-json.js';
import type { OciSeccomp } from '../../../runtime/security/seccomp-profile.js';
import { resolveCapabilities } from '../../../runtime/tasks/oci-spec.js';
import type { HostConfig } from '../../../runtime/containers/api-types.js';
import { requireOrSkip } from '../../helpers/prereqs.js';

interface DockerSpecFixture {
  defaultAction: string;
  architectures: string[];
  default: string[];
  capAdd: Record<string, { added: string[]; removed: string[] }>;
  capDrop: Record<string, { added: string[]; removed: string[] }>;
}
const docker = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'docker-20.10-seccomp.json'), 'utf8')) as DockerSpecFixture;

/** One line per syscall rule, in the fixture's words. */
function lines(s: OciSeccomp): Set<string> {
  const out = new Set<string>();
  for (const r of s.syscalls) {
    for (const n of r.names) {
      let key = `${n} ${r.action.replace('SCMP_ACT_', '').toLowerCase()}`;
      if (r.errnoRet !== undefined) key += ` errno=${r.errnoRet}`;
      if (r.args?.length) key += ` ${r.args.map((a) => `arg${a.index} ${a.op.replace('SCMP_CMP_', '').toLowerCase()} ${a.value}`).join(',')}`;
      out.add(key);
    }
  }
  return out;
}

const target = (hc: HostConfig): SeccompTarget => ({ arch: 'amd64', capabilities: resolveCapabilities(hc), kernel: '6.18.44' });
const resolved = (hc: HostConfig = {}): Set<string> => lines(ociSeccomp(DEFAULT_SECCOMP_PROFILE, target(hc)));
const sorted = (s: Iterable<string>): string[] => [...s].sort();

test('default profile with Docker default capabilities is the spec Docker Engine 20.10 writes', () => {
  const spec = ociSeccomp(DEFAULT_SECCOMP_PROFILE, target({}));
  assert.equal(spec.defaultAction, docker.defaultAction);
  assert.equal(spec.defaultErrnoRet, undefined, 'EPERM, as Docker 20.10 (no defaultErrnoRet)');
  assert.deepEqual(spec.architectures, docker.architectures);
  assert.deepEqual(sorted(resolved()), sorted(docker.default));
});

for (const [cap, diff] of Object.entries(docker.capAdd)) {
  test(`--cap-add ${cap} opens what it opens on Docker 20.10`, () => {
    const base = resolved();
    const withCap = resolved({ CapAdd: [cap] });
    assert.deepEqual(sorted([...withCap].filter((l) => !base.has(l))), sorted(diff.added));
    assert.deepEqual(sorted([...base].filter((l) => !withCap.has(l))), sorted(diff.removed));
  });
}

test('--cap-drop SYS_CHROOT closes chroot as on Docker 20.10', () => {
  const base = resolved();
  const dropped = resolved({ CapDrop: ['SYS_CHROOT'] });
  assert.deepEqual(sorted([...base].filter((l) => !dropped.has(l))), sorted(docker.capDrop.SYS_CHROOT.removed));
});

test('per architecture: arm64 gets its own syscalls and architectures, not arch_prctl; s390x filters clone on arg 1', () => {
  const arm = ociSeccomp(DEFAULT_SECCOMP_PROFILE, { arch: 'arm64', capabilities: resolveCapabilities({}), kernel: '6.1' });
  assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  const names = arm.syscalls.flatMap((r) => r.names);
  assert.ok(names.includes('cacheflush'));
  assert.ok(!names.includes('arch_prctl'));
  const s390 = ociSeccomp(DEFAULT_SECCOMP_PROFILE, { arch: 's390x', capabilities: resolveCapabilities({}), kernel: '6.1' });
  const clone = s390.syscalls.filter((r) => r.names.includes('clone'));
  assert.deepEqual(clone.map((r) => r.args?.[0].index), [1]);
});

test('ptrace only from kernel 4.8 on (older ones let it bypass seccomp)', () => {
  const old = ociSeccomp(DEFAULT_SECCOMP_PROFILE, { arch: 'amd64', capabilities: resolveCapabilities({}), kernel: '4.4.0-210-generic' });
  assert.ok(!old.syscalls.some((r) => r.names.includes('ptrace')));
});

test('profile JSON: Docker format with includes/excludes, name or names, archMap', () => {
  const p = parseSeccompProfile(JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38,
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
    syscalls: [
      { name: 'getpid', action: 'SCMP_ACT_ALLOW' },
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 22, args: [{ index: 0, value: 16, valueTwo: 0, op: 'SCMP_CMP_EQ' }], excludes: { caps: ['CAP_AUDIT_WRITE'] }, includes: {} },
      { names: ['reboot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_BOOT'] } },
    ],
  }), 'test');
  const spec = ociSeccomp(p, target({}));
  assert.equal(spec.defaultErrnoRet, 38);
  assert.deepEqual(spec.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.deepEqual(spec.syscalls.map((r) => r.names[0]), ['getpid'], 'AUDIT_WRITE is a default capability: the socket rule is excluded');
  const dropped = ociSeccomp(p, target({ CapDrop: ['AUDIT_WRITE'], CapAdd: ['SYS_BOOT'] }));
  assert.deepEqual(dropped.syscalls.map((r) => r.names[0]), ['getpid', 'socket', 'reboot']);
  assert.deepEqual(dropped.syscalls[1].args, [{ index: 0, value: 16, valueTwo: 0, op: 'SCMP_CMP_EQ' }]);
});

test('profile JSON: mistakes are refused with the field', () => {
  assert.throws(() => parseSeccompProfile('{bad', 'src'), /src: the seccomp profile is not valid JSON/);
  assert.throws(() => parseSeccompProfile('{"defaultAction":"SCMP_ACT_NOPE"}', 'src'), /defaultAction: unknown action "SCMP_ACT_NOPE"/);
  assert.throws(() => parseSeccompProfile('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ERRNO","args":[{"index":9,"value":1,"op":"SCMP_CMP_EQ"}]}]}', 'src'), /syscalls\[0\]\.args\[0\]\.index: must be 0-5/);
  assert.throws(() => parseSeccompProfile('{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}', 'src'), /'architectures' and 'archMap'/);
  assert.throws(() => parseSeccompProfile('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ALLOW"}]}', 'src'), /'name' and 'names'/);
});

test("Podman's profile (containers-common) loads when the host has it", (t) => {
  const podman = '/usr/share/containers/seccomp.json';
  if (!requireOrSkip(t, existsSync(podman), `${podman} (apt-get install golang-github-containers-common)`)) return;
  const text = readFileSync(podman, 'utf8');
  const spec = ociSeccomp(parseSeccompProfile(text, 'podman'), target({}));
  assert.equal(spec.defaultErrnoRet, 38);
  assert.ok(spec.syscalls.some((r) => r.names.includes('socket')));
});
