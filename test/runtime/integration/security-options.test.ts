// SecurityOpt as berthd honours it, and docker info telling the truth about it (needs root, runc, the
// docker CLI, dist/ built): options refused at create with their name, docker inspect showing them as
// given, systempaths=unconfined, --privileged, build steps and execs under the same filter, each
// SecurityOptions entry checked in a container, a daemon started with --seccomp-profile, and one whose
// OCI runtime has no seccomp support.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineTestOptions, startEngine, type Engine } from '../containers/engine-fixture.js';
import { requireOrSkip } from '../../helpers/prereqs.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); });

/** `docker info --format '{{json .SecurityOptions}} {{json .Warnings}}'` output, parsed. */
function entriesAndWarnings(stdout: string): [string[], string[] | null] {
  const line = stdout.trim();
  const space = line.indexOf(' ');
  return [JSON.parse(line.slice(0, space)) as string[], JSON.parse(line.slice(space + 1)) as string[] | null];
}

const status = async (engine: Engine, args: string[], cmd = 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'): Promise<string> => {
  const r = await engine.docker(['run', '--rm', '--network', 'none', ...args, 'busybox', 'sh', '-c', cmd]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.replace(/[ \t]+/g, ' ');
};

test('unknown options, and options this host cannot apply, are refused at create with their name', opts, async () => {
  const hostHasAppArmor = existsSync('/sys/module/apparmor/parameters/enabled') && readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').startsWith('Y');
  const refused: [string, RegExp][] = [
    ['bogus=1', /invalid --security-opt "bogus=1": Berth knows seccomp=/],
    ['no-new-privileges=maybe', /no-new-privileges takes true or false/],
    ['systempaths=other', /systempaths takes only unconfined/],
  ];
  if (!hostHasAppArmor) refused.push(['apparmor=docker-default', /AppArmor is not enabled on this host/]);
  if (!existsSync('/sys/fs/selinux/enforce')) refused.push(['label=user:system_u', /SELinux is not enabled on this host/]);
  for (const [opt, message] of refused) {
    const r = await e.docker(['create', '--name', 'refused', '--security-opt', opt, 'busybox', 'true']);
    assert.notEqual(r.code, 0, `${opt} was accepted`);
    assert.match(r.stderr, message);
  }
  // The CLI reads a profile file itself; an API client may send anything: broken JSON is a 400 too.
  await assert.rejects(e.client.createContainer({ Image: 'busybox', HostConfig: { SecurityOpt: ['seccomp={"defaultAction":'] } }),
    (err: { statusCode?: number; message: string }) => err.statusCode === 400 && /seccomp profile is not valid JSON/.test(err.message));
  assert.equal((await e.docker(['ps', '-aq'])).stdout, '', 'nothing was created');
});

test('docker inspect shows the options as given; accepted ones that change nothing here', opts, async () => {
  const given = ['no-new-privileges:true', 'apparmor=unconfined', 'label=disable'];
  const c = await e.docker(['create', '--name', 'given', ...given.flatMap((o) => ['--security-opt', o]), 'busybox', 'true']);
  assert.equal(c.code, 0, c.stderr);
  const i = await e.docker(['inspect', '-f', '{{json .HostConfig.SecurityOpt}} {{len .HostConfig.MaskedPaths}} {{len .HostConfig.ReadonlyPaths}}', 'given']);
  assert.equal(i.stdout.trim(), `${JSON.stringify(given)} 11 5`);
  const priv = await e.docker(['create', '--name', 'priv', '--privileged', 'busybox', 'true']);
  assert.equal(priv.code, 0, priv.stderr);
  // As Docker records it for a privileged container.
  assert.equal((await e.docker(['inspect', '-f', '{{json .HostConfig.SecurityOpt}}', 'priv'])).stdout.trim(), '["label=disable"]');
  await e.docker(['rm', 'given', 'priv']);
});

test('systempaths=unconfined lifts the masked and read-only paths (from the CLI and from the API)', opts, async () => {
  const masks = 'grep -c -E " /proc/(kcore|keys|timer_list) " /proc/self/mountinfo; grep -c " /proc/sys " /proc/self/mountinfo';
  // runc masks only what exists (this kernel may have no /proc/kcore).
  const present = ['/proc/kcore', '/proc/keys', '/proc/timer_list'].filter((p) => existsSync(p)).length;
  assert.equal(await status(e, [], masks), `${present}\n1\n`);
  // docker CLI: sends MaskedPaths [] and ReadonlyPaths [] instead of the option.
  const cli = await e.docker(['run', '--rm', '--security-opt', 'systempaths=unconfined', 'busybox', 'sh', '-c', `${masks}; true`]);
  assert.equal(cli.stdout, '0\n0\n', cli.stderr);
  const c = await e.client.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', `${masks}; true`], HostConfig: { SecurityOpt: ['systempaths=unconfined'] } });
  await c.start();
  await c.wait();
  const logs = (await c.logs({ stdout: true })).toString('latin1').replace(/[\s\S]{8}/y, '');
  assert.match(logs, /0\n[\s\S]*0\n/);
  await c.remove();
});

test('--privileged lifts seccomp (no-new-privileges still applies when asked for)', opts, async () => {
  assert.equal(await status(e, ['--privileged']), 'NoNewPrivs: 0\nSeccomp: 0\n');
  assert.equal(await status(e, ['--privileged', '--security-opt', 'no-new-privileges']), 'NoNewPrivs: 1\nSeccomp: 0\n');
});

test('exec and build steps run under the container\'s filter', opts, async () => {
  const run = await e.docker(['run', '-d', '--name', 'execs', 'busybox', 'sleep', '300']);
  assert.equal(run.code, 0, run.stderr);
  const ex = await e.docker(['exec', 'execs', 'sh', '-c', 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; unshare -U true 2>/dev/null; echo unshare=$?']);
  assert.equal(ex.stdout.replace(/[ \t]+/g, ' '), 'NoNewPrivs: 0\nSeccomp: 2\nunshare=1\n');
  await e.docker(['rm', '-f', 'execs']);
  const dir = mkdtempSync(join(tmpdir(), 'berth-secbuild-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status && (unshare -U true 2>/dev/null; echo unshare=$?)\n');
    const b = await e.docker(['build', '--no-cache', dir]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout.replace(/[ \t]+/g, ' '), /NoNewPrivs: 0\nSeccomp: 2\nunshare=1\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** What a container shows for each SecurityOptions entry docker info can list. */
const CHECKS: Record<string, (engine: Engine) => Promise<void>> = {
  'name=seccomp,profile=default': async (engine) => {
    assert.equal(await status(engine, [], 'grep "^Seccomp:" /proc/self/status; unshare -U true 2>/dev/null; echo unshare=$?'), 'Seccomp: 2\nunshare=1\n');
  },
  'name=seccomp,profile=unconfined': async (engine) => {
    assert.equal(await status(engine, [], 'grep "^Seccomp:" /proc/self/status'), 'Seccomp: 0\n');
  },
};

test('docker info: each SecurityOptions entry is what a container then shows; no warnings as root', opts, async () => {
  const info = await e.docker(['info', '--format', '{{json .SecurityOptions}} {{json .Warnings}}']);
  const [entries, warnings] = entriesAndWarnings(info.stdout);
  assert.deepEqual(entries, ['name=seccomp,profile=default']);
  assert.equal(warnings, null);
  for (const entry of entries) {
    const check = CHECKS[entry];
    assert.ok(check, `no check for SecurityOptions entry ${entry}`);
    await check(e);
  }
});

test('berthd --seccomp-profile unconfined: docker info says so, warns, and containers run without a filter', opts, async () => {
  const u = await startEngine({ args: ['--seccomp-profile', 'unconfined'] });
  try {
    const info = await u.docker(['info', '--format', '{{json .SecurityOptions}} {{json .Warnings}}']);
    const [entries, warnings] = entriesAndWarnings(info.stdout);
    assert.deepEqual(entries, ['name=seccomp,profile=unconfined']);
    assert.equal(warnings?.length, 1);
    assert.match(warnings?.[0] ?? '', /--seccomp-profile unconfined: containers run without a seccomp profile/);
    for (const entry of entries) await CHECKS[entry](u);
    // A container can still ask for the default filter.
    assert.equal(await status(u, ['--security-opt', 'seccomp=builtin'], 'grep "^Seccomp:" /proc/self/status'), 'Seccomp: 2\n');
  } finally {
    await u.dispose();
  }
});

test("berthd --seccomp-profile with Podman's profile file (containers-common)", opts, async (t) => {
  const podman = '/usr/share/containers/seccomp.json';
  if (!requireOrSkip(t, existsSync(podman), `${podman} (apt-get install golang-github-containers-common)`)) return;
  const p = await startEngine({ args: ['--seccomp-profile', podman] });
  try {
    const info = await p.docker(['info', '--format', '{{json .SecurityOptions}}']);
    assert.equal(info.stdout.trim(), JSON.stringify([`name=seccomp,profile=${podman}`]));
    // Podman's profile, unlike Docker's, lets a container make user namespaces.
    assert.equal(await status(p, [], 'grep "^Seccomp:" /proc/self/status; unshare -U true; echo unshare=$?'), 'Seccomp: 2\nunshare=0\n');
  } finally {
    await p.dispose();
  }
});

test('berthd refuses to start with a profile file it cannot use', opts, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-badprofile-'));
  try {
    writeFileSync(join(dir, 'bad.json'), '{"defaultAction":"SCMP_ACT_NOPE"}');
    await assert.rejects(startEngine({ args: ['--seccomp-profile', join(dir, 'bad.json')], importBusybox: false }), /defaultAction: unknown action "SCMP_ACT_NOPE"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an OCI runtime without seccomp support: docker info warns, containers run without a filter, a profile is refused', opts, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-noseccomp-'));
  // runc as a runtime built without libseccomp would present itself: no "libseccomp:" line.
  const wrapper = join(dir, 'runc');
  writeFileSync(wrapper, '#!/bin/sh\nif [ "$1" = --version ]; then echo "runc version 1.1.5"; echo "spec: 1.0.2-dev"; exit 0; fi\nexec runc "$@"\n', { mode: 0o755 });
  const n = await startEngine({ args: ['--oci-runtime', wrapper] });
  try {
    const info = await n.docker(['info', '--format', '{{json .SecurityOptions}} {{json .Warnings}}']);
    const [entries, warnings] = entriesAndWarnings(info.stdout);
    assert.deepEqual(entries, []);
    assert.deepEqual(warnings, [`WARNING: seccomp is not available (the OCI runtime ${wrapper} was built without seccomp support): containers run without a seccomp profile`]);
    assert.equal(await status(n, [], 'grep "^Seccomp:" /proc/self/status'), 'Seccomp: 0\n');
    const profile = join(dir, 'p.json');
    writeFileSync(profile, '{"defaultAction":"SCMP_ACT_ALLOW"}');
    const refused = await n.docker(['create', '--security-opt', `seccomp=${profile}`, 'busybox', 'true']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /a seccomp profile was given, but it cannot be applied here: the OCI runtime .* was built without seccomp support/);
    assert.equal(await status(n, ['--security-opt', 'seccomp=unconfined'], 'grep "^Seccomp:" /proc/self/status'), 'Seccomp: 0\n');
  } finally {
    await n.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
