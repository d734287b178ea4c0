// The seccomp profile, no_new_privs and SecurityOpt against Docker Engine, syscall by syscall: the same
// probe image (test/runtime/security/fixtures/syscall-probe.c, static, in busybox) runs on berthd and on
// Docker Engine 20.10 with the same options, and every probe's result (ok or errno) must match.
// Needs root, runc, the docker CLI, dist/ built, gcc with a static libc, and Docker Engine on
// /var/run/docker.sock (CI starts it; elsewhere Berth's own expectations still run without it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineTestOptions, startEngine, type Engine } from '../containers/engine-fixture.js';
import { dockerEngine, type DockerEngine } from '../containers/docker-engine.js';
import { missingForProbe, probeImageTar, probeResults } from '../security/probe-image.js';
import { inCI, requireOrSkip } from '../../helpers/prereqs.js';

const opts = engineTestOptions([['gcc', 'gcc']]);
const missingProbe = opts.skip ? undefined : missingForProbe();
if (missingProbe && inCI) throw new Error(`prerequisite missing: ${missingProbe} (CI=true, so this fails instead of skipping)`);
const testOpts = missingProbe ? { skip: `needs ${missingProbe}` } : opts;
const IMAGE = `berth-seccomp-test/probe:${randomBytes(4).toString('hex')}`;

let e: Engine;
let docker: DockerEngine | undefined;
let dir: string;

before(async () => {
  if (testOpts.skip) return;
  e = await startEngine();
  docker = await dockerEngine();
  if (!docker && inCI) throw new Error('Docker Engine does not answer on /var/run/docker.sock (CI=true: .ci/run starts it)');
  const image = await probeImageTar();
  const b = await e.docker(['import', '-', IMAGE], { input: image });
  assert.equal(b.code, 0, b.stderr);
  if (docker) {
    const d = await docker.docker(['import', '-', IMAGE], { input: image });
    assert.equal(d.code, 0, d.stderr);
  }
  dir = mkdtempSync(join(tmpdir(), 'berth-seccomp-'));
});

after(async () => {
  await docker?.docker(['rmi', '-f', IMAGE]);
  await e?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function probeOn(engine: Pick<Engine, 'docker'>, options: string[], cmd: string[] = ['/syscall-probe']): Promise<string> {
  const r = await engine.docker(['run', '--rm', '--network', 'none', ...options, IMAGE, ...cmd]);
  assert.equal(r.code, 0, `docker run ${options.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Runs the probe on both engines; returns Berth's results after checking Docker's are the same. */
async function compare(options: string[], cmd?: string[]): Promise<Map<string, string>> {
  const berth = await probeOn(e, options, cmd);
  if (docker) {
    const theirs = await probeOn(docker, options, cmd);
    assert.deepEqual(probeResults(berth), probeResults(theirs), `berthd and Docker Engine differ with ${options.join(' ') || 'defaults'}`);
  }
  return probeResults(berth);
}

const CASES: [string, string[], Record<string, string>][] = [
  ['defaults', [], {
    getpid: 'ok', execve: 'ok', fork: 'ok', socket_inet: 'ok', mknodat: 'ok', chroot: 'ok', personality_query: 'ok', personality_linux32: 'ok',
    unshare_user: 'EPERM', unshare_mount: 'EPERM', clone_newns: 'EPERM', clone3: 'ENOSYS', mount: 'EPERM', keyctl: 'EPERM', add_key: 'EPERM',
    personality_no_aslr: 'EPERM', clock_settime: 'EPERM', reboot: 'EPERM', swapon: 'EPERM', bpf: 'EPERM', userfaultfd: 'EPERM',
    io_uring_setup: 'EFAULT', ptrace: 'ESRCH', kcmp: 'EPERM', process_vm_readv: 'EPERM', sethostname: 'EPERM',
  }],
  ['--cap-add SYS_ADMIN', ['--cap-add', 'SYS_ADMIN'], { unshare_user: 'ok', clone3: 'EINVAL', clone_newns: 'EINVAL', mount: 'ENOENT', setns: 'EBADF', keyctl: 'EPERM' }],
  ['--cap-add SYS_PTRACE', ['--cap-add', 'SYS_PTRACE'], { kcmp: 'ok', process_vm_readv: 'ok', unshare_user: 'EPERM' }],
  ['--cap-add SYS_TIME, SYS_BOOT, SYS_NICE, SYSLOG, SYS_PACCT, SYS_RAWIO, DAC_READ_SEARCH',
    ['--cap-add', 'SYS_TIME', '--cap-add', 'SYS_BOOT', '--cap-add', 'SYS_NICE', '--cap-add', 'SYSLOG', '--cap-add', 'SYS_PACCT', '--cap-add', 'SYS_RAWIO', '--cap-add', 'DAC_READ_SEARCH'],
    { clock_settime: 'EFAULT', reboot: 'EINVAL', get_mempolicy: 'ok' }],
  ['--cap-drop SYS_CHROOT', ['--cap-drop', 'SYS_CHROOT'], { chroot: 'EPERM' }],
  ['--security-opt seccomp=unconfined', ['--security-opt', 'seccomp=unconfined'], { keyctl: 'ok', unshare_user: 'ok', personality_no_aslr: 'ok', clone3: 'EINVAL', userfaultfd: 'ok' }],
  ['--security-opt no-new-privileges', ['--security-opt', 'no-new-privileges'], { unshare_user: 'EPERM', clone3: 'ENOSYS' }],
];

for (const [name, options, expected] of CASES) {
  test(`syscall probes match Docker Engine: ${name}`, testOpts, async () => {
    const results = await compare(options);
    for (const [probe, want] of Object.entries(expected)) assert.equal(results.get(probe), want, `${probe} with ${name}`);
  });
}

test('a profile file: the CLI sends its contents, both engines apply it', testOpts, async () => {
  const file = join(dir, 'no-mkdir.json');
  writeFileSync(file, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdirat', 'mkdir'], action: 'SCMP_ACT_ERRNO' }, { names: ['getrandom'], action: 'SCMP_ACT_ERRNO', errnoRet: 22 }] }));
  const r = await compare(['--security-opt', `seccomp=${file}`]);
  assert.equal(r.get('mkdirat'), 'EPERM');
  assert.equal(r.get('getrandom'), 'EINVAL');
  assert.equal(r.get('keyctl'), 'ok');
});

test('/proc/self/status: Seccomp 2, NoNewPrivs 0, Docker\'s capabilities; the options change them as on Docker', testOpts, async () => {
  const status = async (engine: Pick<Engine, 'docker'>, options: string[]) => (await probeOn(engine, options, ['grep', '-E', '^(CapEff|NoNewPrivs|Seccomp):', '/proc/self/status'])).replace(/[ \t]+/g, ' ');
  const cases: [string[], string][] = [
    [[], 'CapEff: 00000000a80425fb\nNoNewPrivs: 0\nSeccomp: 2\n'],
    [['--security-opt', 'no-new-privileges'], 'CapEff: 00000000a80425fb\nNoNewPrivs: 1\nSeccomp: 2\n'],
    [['--security-opt', 'no-new-privileges:false'], 'CapEff: 00000000a80425fb\nNoNewPrivs: 0\nSeccomp: 2\n'],
    [['--security-opt', 'seccomp=unconfined'], 'CapEff: 00000000a80425fb\nNoNewPrivs: 0\nSeccomp: 0\n'],
  ];
  for (const [options, want] of cases) {
    assert.equal(await status(e, options), want, options.join(' '));
    if (docker) assert.equal(await status(docker, options), want, `Docker Engine: ${options.join(' ')}`);
  }
});

test('setuid programs work (no no_new_privs) unless --security-opt no-new-privileges', testOpts, async () => {
  const euid = (engine: Pick<Engine, 'docker'>, options: string[]) => probeOn(engine, ['--user', '65534', ...options], ['/syscall-probe-suid', 'euid']);
  assert.equal(await euid(e, []), 'euid=0\n');
  assert.equal(await euid(e, ['--security-opt', 'no-new-privileges']), 'euid=65534\n');
  if (docker) {
    assert.equal(await euid(docker, []), 'euid=0\n');
    assert.equal(await euid(docker, ['--security-opt', 'no-new-privileges']), 'euid=65534\n');
  }
});

/** Syscalls newer than libseccomp 2.5.4 knows: runc answers ENOSYS for them (as with Docker), crun 1.8 EPERM. */
const NEWER_THAN_LIBSECCOMP = new Set(['mseal']);

test('on crun the same spec gives the same results as on runc, but for syscalls libseccomp does not know', testOpts, async (t) => {
  if (!requireOrSkip(t, existsSync('/usr/bin/crun'), 'crun (apt-get install crun)')) return;
  const c = await startEngine({ args: ['--oci-runtime', 'crun'], importBusybox: false });
  try {
    const imported = await c.docker(['import', '-', IMAGE], { input: await probeImageTar() });
    assert.equal(imported.code, 0, imported.stderr);
    for (const options of [[], ['--cap-add', 'SYS_ADMIN'], ['--security-opt', 'seccomp=unconfined']]) {
      const onRunc = probeResults(await probeOn(e, options));
      const onCrun = probeResults(await probeOn(c, options));
      for (const [probe, result] of onRunc) {
        if (NEWER_THAN_LIBSECCOMP.has(probe)) assert.ok(['ENOSYS', 'EPERM', result].includes(onCrun.get(probe) ?? ''), `${probe} on crun: ${onCrun.get(probe)}`);
        else assert.equal(onCrun.get(probe), result, `${probe} with ${options.join(' ') || 'defaults'}: crun ${onCrun.get(probe)}, runc ${result}`);
      }
    }
    assert.equal(await probeOn(c, ['--user', '65534'], ['/syscall-probe-suid', 'euid']), 'euid=0\n');
  } finally {
    await c.dispose();
  }
});
