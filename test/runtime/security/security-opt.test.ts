import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerSecurity, securityAtCreate } from '../../../runtime/security/container-security.js';
import { detectHostSecurity, runtimeHasSeccomp, type HostFiles } from '../../../runtime/security/host-security.js';
import { securityReport } from '../../../runtime/security/security-info.js';
import { checkAgainstHost, parseSecurityOpt } from '../../../runtime/security/security-opt.js';
import { MASKED_PATHS, READONLY_PATHS } from '../../../runtime/tasks/docker-defaults.js';
import { resolveCapabilities } from '../../../runtime/tasks/oci-spec.js';
import type { HostConfig } from '../../../runtime/containers/api-types.js';
import { TEST_HOST, TEST_SECURITY } from './test-security.js';

const PROFILE = '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}';
const sec = (hc: HostConfig, ctx = TEST_SECURITY) => containerSecurity(hc, resolveCapabilities(hc), ctx);

test('SecurityOpt: the options Docker knows, with = or the older :', () => {
  assert.deepEqual(parseSecurityOpt(undefined), { seccomp: { kind: 'default' }, noNewPrivileges: false, labels: [], systemPathsUnconfined: false });
  assert.equal(parseSecurityOpt(['no-new-privileges']).noNewPrivileges, true);
  assert.equal(parseSecurityOpt(['no-new-privileges=true']).noNewPrivileges, true);
  assert.equal(parseSecurityOpt(['no-new-privileges:false']).noNewPrivileges, false);
  assert.equal(parseSecurityOpt(['no-new-privileges', 'no-new-privileges=false']).noNewPrivileges, false, 'the last one wins');
  assert.deepEqual(parseSecurityOpt(['seccomp=unconfined']).seccomp, { kind: 'unconfined' });
  assert.deepEqual(parseSecurityOpt(['seccomp=builtin']).seccomp, { kind: 'builtin' });
  assert.equal(parseSecurityOpt([`seccomp=${PROFILE}`]).seccomp.kind, 'profile');
  assert.equal(parseSecurityOpt(['apparmor=unconfined']).apparmor, 'unconfined');
  assert.deepEqual(parseSecurityOpt(['label=disable', 'label:user:u']).labels, ['user:u']);
  assert.equal(parseSecurityOpt(['systempaths=unconfined']).systemPathsUnconfined, true);
});

test('SecurityOpt: unknown or malformed options are refused, naming them', () => {
  assert.throws(() => parseSecurityOpt(['bogus=1']), /invalid --security-opt "bogus=1": Berth knows seccomp=/);
  assert.throws(() => parseSecurityOpt(['bogus']), /invalid --security-opt "bogus"/);
  assert.throws(() => parseSecurityOpt(['no-new-privileges=maybe']), /no-new-privileges takes true or false/);
  assert.throws(() => parseSecurityOpt(['systempaths=confined']), /systempaths takes only unconfined/);
  assert.throws(() => parseSecurityOpt(['seccomp={bad']), /--security-opt seccomp: the seccomp profile is not valid JSON/);
  assert.throws(() => parseSecurityOpt('seccomp=unconfined' as unknown as string[]), /must be a list of strings/);
  assert.throws(() => parseSecurityOpt([1 as unknown as string]), /must be a list of strings/);
});

test('host checks: AppArmor and SELinux options where the host has neither', () => {
  assert.doesNotThrow(() => checkAgainstHost(parseSecurityOpt(['apparmor=unconfined', 'label=disable']), TEST_HOST));
  assert.throws(() => checkAgainstHost(parseSecurityOpt(['apparmor=docker-default']), TEST_HOST), /AppArmor is not enabled on this host/);
  assert.doesNotThrow(() => checkAgainstHost(parseSecurityOpt(['apparmor=docker-default']), { ...TEST_HOST, apparmor: true }));
  assert.throws(() => checkAgainstHost(parseSecurityOpt(['label=type:svirt_t']), TEST_HOST), /SELinux is not enabled on this host/);
  assert.throws(() => checkAgainstHost(parseSecurityOpt(['label=type:svirt_t']), { ...TEST_HOST, selinux: true }), /applies no SELinux labels/);
  assert.throws(() => checkAgainstHost(parseSecurityOpt([`seccomp=${PROFILE}`]), { ...TEST_HOST, seccomp: false, seccompMissing: 'no filters' }), /cannot be applied here: no filters/);
});

test('spec: default seccomp and no no_new_privs; options change them as Docker does', () => {
  const d = sec({});
  assert.equal(d.noNewPrivileges, false);
  assert.equal(d.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(d.maskedPaths, MASKED_PATHS);
  assert.deepEqual(d.readonlyPaths, READONLY_PATHS);
  assert.equal(sec({ SecurityOpt: ['no-new-privileges'] }).noNewPrivileges, true);
  assert.ok(sec({ SecurityOpt: ['no-new-privileges'] }).seccomp, 'no-new-privileges keeps seccomp');
  assert.equal(sec({ SecurityOpt: ['seccomp=unconfined'] }).seccomp, undefined);
  assert.deepEqual(sec({ SecurityOpt: [`seccomp=${PROFILE}`] }).seccomp?.syscalls, [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }]);
  const sys = sec({ SecurityOpt: ['systempaths=unconfined'] });
  assert.deepEqual([sys.maskedPaths, sys.readonlyPaths], [[], []]);
  const cli = sec({ MaskedPaths: [], ReadonlyPaths: [] }); // what the docker CLI sends for systempaths=unconfined
  assert.deepEqual([cli.maskedPaths, cli.readonlyPaths], [[], []]);
  assert.equal(sec({}, { ...TEST_SECURITY, defaultSeccomp: 'unconfined' }).seccomp, undefined);
  assert.ok(sec({ SecurityOpt: ['seccomp=builtin'] }, { ...TEST_SECURITY, defaultSeccomp: 'unconfined' }).seccomp, 'builtin: Docker\'s profile whatever the daemon default');
  assert.equal(sec({}, { ...TEST_SECURITY, host: { ...TEST_HOST, seccomp: false } }).seccomp, undefined);
});

test('spec: --privileged lifts seccomp, paths and AppArmor, keeps an asked-for no-new-privileges', () => {
  const p = sec({ Privileged: true, SecurityOpt: ['no-new-privileges'] });
  assert.equal(p.seccomp, undefined);
  assert.deepEqual([p.maskedPaths, p.readonlyPaths], [[], []]);
  assert.equal(p.noNewPrivileges, true);
  assert.equal(sec({ Privileged: true }, { ...TEST_SECURITY, host: { ...TEST_HOST, apparmor: true } }).apparmorProfile, 'unconfined');
  assert.equal(sec({ SecurityOpt: ['apparmor=my-profile'] }, { ...TEST_SECURITY, host: { ...TEST_HOST, apparmor: true } }).apparmorProfile, 'my-profile');
  assert.equal(sec({ SecurityOpt: ['apparmor=unconfined'] }).apparmorProfile, undefined, 'no AppArmor on the host: nothing to name');
});

test('create: options recorded as Docker shows them in inspect', () => {
  assert.deepEqual(securityAtCreate({}, TEST_HOST), { SecurityOpt: null, MaskedPaths: MASKED_PATHS, ReadonlyPaths: READONLY_PATHS });
  assert.deepEqual(securityAtCreate({ Privileged: true }, TEST_HOST), { SecurityOpt: ['label=disable'], MaskedPaths: null, ReadonlyPaths: null });
  assert.deepEqual(securityAtCreate({ SecurityOpt: ['no-new-privileges', 'systempaths=unconfined'] }, TEST_HOST),
    { SecurityOpt: ['no-new-privileges', 'systempaths=unconfined'], MaskedPaths: [], ReadonlyPaths: [] });
  assert.throws(() => securityAtCreate({ SecurityOpt: ['bogus=1'] }, TEST_HOST), /bogus=1/);
});

test('docker info: SecurityOptions are what is applied; weaker confinement is one warning line each', () => {
  assert.deepEqual(securityReport({ context: TEST_SECURITY, rootless: false, cgroupLimits: true }), { SecurityOptions: ['name=seccomp,profile=default'], Warnings: [] });
  const rootless = securityReport({ context: TEST_SECURITY, rootless: true, cgroupLimits: false });
  assert.deepEqual(rootless.SecurityOptions, ['name=seccomp,profile=default', 'name=rootless']);
  assert.match(rootless.Warnings.join('\n'), /^WARNING: rootless mode without a delegated cgroup tree/);
  assert.deepEqual(securityReport({ context: TEST_SECURITY, rootless: true, cgroupLimits: true }).Warnings, []);
  const file = securityReport({ context: TEST_SECURITY, seccompProfileOption: '/usr/share/containers/seccomp.json', rootless: false, cgroupLimits: true });
  assert.deepEqual(file.SecurityOptions, ['name=seccomp,profile=/usr/share/containers/seccomp.json']);
  assert.deepEqual(securityReport({ context: TEST_SECURITY, seccompProfileOption: 'builtin', rootless: false, cgroupLimits: true }).SecurityOptions, ['name=seccomp,profile=default']);
  const none = securityReport({ context: { ...TEST_SECURITY, host: { ...TEST_HOST, seccomp: false, seccompMissing: 'the OCI runtime x was built without seccomp support' } }, rootless: false, cgroupLimits: true });
  assert.deepEqual(none.SecurityOptions, []);
  assert.match(none.Warnings[0], /seccomp is not available \(the OCI runtime x was built without seccomp support\)/);
  const unconfined = securityReport({ context: { ...TEST_SECURITY, defaultSeccomp: 'unconfined' }, rootless: false, cgroupLimits: true });
  assert.deepEqual(unconfined.SecurityOptions, ['name=seccomp,profile=unconfined']);
  assert.equal(unconfined.Warnings.length, 1);
  assert.match(securityReport({ context: { ...TEST_SECURITY, host: { ...TEST_HOST, apparmor: true } }, rootless: false, cgroupLimits: true }).Warnings[0], /AppArmor is enabled on this host/);
});

test('host detection: kernel seccomp, the runtime\'s libseccomp, AppArmor, SELinux', () => {
  const files = (over: Partial<Record<string, string>>, version?: string): HostFiles => {
    const all: Record<string, string> = { '/proc/self/status': 'Name:\tx\nSeccomp:\t0\n', '/proc/sys/kernel/seccomp/actions_avail': 'allow', ...over } as Record<string, string>;
    return { read: (p) => all[p], exists: (p) => p in all, runtimeVersion: () => version };
  };
  assert.ok(runtimeHasSeccomp('runc version 1.1.5\nlibseccomp: 2.5.4\n'));
  assert.ok(runtimeHasSeccomp('crun version 1.8.1\n+SYSTEMD +SECCOMP +EBPF\n'));
  assert.ok(!runtimeHasSeccomp('runc version 1.1.5\nspec: 1.0.2\n'));
  assert.equal(detectHostSecurity('runc', files({}, 'libseccomp: 2.5.4')).seccomp, true);
  assert.match(detectHostSecurity('runc', files({}, 'runc version 1')).seccompMissing ?? '', /built without seccomp/);
  assert.match(detectHostSecurity('runc', files({ '/proc/self/status': 'Name:\tx\n' }, 'libseccomp: 2')).seccompMissing ?? '', /kernel has no seccomp/);
  const h = detectHostSecurity('runc', files({ '/sys/module/apparmor/parameters/enabled': 'Y\n', '/sys/fs/selinux/enforce': '1' }, 'libseccomp: 2'));
  assert.deepEqual([h.apparmor, h.selinux], [true, true]);
});
