// Builds for another architecture (`docker build --platform`, `FROM --platform=`): RUN steps run the
// image's arm64 programs through qemu-user-static (binfmt_misc), the image records the platform it is
// for, and the cross-compiling pattern (tools on $BUILDPLATFORM, result on the target) works. The
// arm64 base is Debian's arm64 busybox-static, imported as a linux/arm64 image.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestOptions, startBuildEngine, type BuildEngine } from '../builder/helpers/build-engine.js';
import { foreignBusybox } from '../builder/helpers/foreign-busybox.js';

const HANDLER = '/proc/sys/fs/binfmt_misc/qemu-aarch64';

function platformTestOptions(): { skip?: string } {
  const base = buildTestOptions();
  if (base.skip || existsSync(HANDLER)) return base;
  const missing = `the binfmt_misc handler ${HANDLER} (apt-get install qemu-user-static binfmt-support; mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc; update-binfmts --enable)`;
  if (process.env.CI === 'true') throw new Error(`prerequisite missing: ${missing} (CI=true, so this fails instead of skipping)`);
  return { skip: `needs ${missing}` };
}

const opts = platformTestOptions();
const ARM_BASE = 'berth-test/busybox-arm64:latest';
let engine: BuildEngine;
const work = mkdtempSync(join(tmpdir(), 'berth-build-platform-'));

before(async () => {
  if (opts.skip) return;
  engine = await startBuildEngine();
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const tar = await busyboxRootfsTar({ busybox: await foreignBusybox('arm64') });
  const r = await engine.docker(['import', '--platform', 'linux/arm64', '-', ARM_BASE], { input: tar });
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await engine?.dispose();
  rmSync(work, { recursive: true, force: true });
});

let n = 0;
async function build(dockerfile: string, extra: string[] = [], files: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; tag: string }> {
  const dir = join(work, `c${n++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), c);
  const tag = `berth-test/platform-${n}`;
  return { ...(await engine.docker(['build', ...extra, '-t', tag, dir])), tag };
}

async function inspect(tag: string, format: string): Promise<string> {
  const r = await engine.docker(['image', 'inspect', '--format', format, tag]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

async function run(tag: string, script: string): Promise<string> {
  const r = await engine.docker(['run', '--rm', tag, 'sh', '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

test('--platform linux/arm64: RUN runs arm64 programs under emulation; the image is linux/arm64', opts, async () => {
  const b = await build([
    `FROM ${ARM_BASE}`,
    'ARG TARGETPLATFORM',
    'ARG BUILDPLATFORM',
    'RUN uname -m > /arch && echo "$TARGETPLATFORM on $BUILDPLATFORM" > /args',
    '',
  ].join('\n'), ['--platform', 'linux/arm64']);
  assert.equal(b.code, 0, b.stdout + b.stderr);
  assert.equal(await inspect(b.tag, '{{.Os}}/{{.Architecture}}'), 'linux/arm64');
  assert.equal(await run(b.tag, 'cat /arch /args'), 'aarch64\nlinux/arm64 on linux/amd64\n');
});

test('cross-compiling: a FROM --platform=$BUILDPLATFORM stage runs natively, its output lands in the arm64 image', opts, async () => {
  const b = await build([
    `FROM --platform=$BUILDPLATFORM ${engine.base} AS tools`,
    'ARG TARGETARCH',
    'RUN echo "built on $(uname -m) for $TARGETARCH" > /out',
    `FROM ${ARM_BASE}`,
    'COPY --from=tools /out /out',
    'RUN echo "runs on $(uname -m)" >> /out',
    '',
  ].join('\n'), ['--platform', 'linux/arm64']);
  assert.equal(b.code, 0, b.stdout + b.stderr);
  assert.equal(await run(b.tag, 'cat /out'), 'built on x86_64 for arm64\nruns on aarch64\n');
  assert.equal(await inspect(b.tag, '{{.Architecture}}'), 'arm64');
});

test('FROM scratch takes the build\'s platform, and a step image of another platform is no cache hit', opts, async () => {
  const dockerfile = 'FROM scratch\nCOPY hello /hello\n';
  const arm = await build(dockerfile, ['--platform', 'linux/arm64'], { hello: 'hi\n' });
  assert.equal(arm.code, 0, arm.stdout + arm.stderr);
  assert.equal(await inspect(arm.tag, '{{.Architecture}}'), 'arm64');
  const amd = await build(dockerfile, [], { hello: 'hi\n' });
  assert.equal(amd.code, 0, amd.stdout + amd.stderr);
  assert.equal(await inspect(amd.tag, '{{.Architecture}}'), 'amd64');
  assert.doesNotMatch(amd.stdout, /Using cache/);
  assert.notEqual(await inspect(amd.tag, '{{.Id}}'), await inspect(arm.tag, '{{.Id}}'));
});

test('a local base of another platform that cannot be pulled for the wanted one is a clear error', opts, async () => {
  const b = await build(`FROM ${engine.base}\nRUN true\n`, ['--platform', 'linux/arm64']);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /image .* was found but is linux\/amd64, not the linux\/arm64 this build wants, and pulling the linux\/arm64 image failed/);
});

test('an architecture qemu-user-static has no emulator for, and a non-linux platform, are refused by name', opts, async () => {
  const sparc = await build(`FROM ${engine.base}\n`, ['--platform', 'linux/sparc']);
  assert.equal(sparc.code, 1);
  assert.match(sparc.stderr, /platform "linux\/sparc" is not supported: qemu-user-static has no emulator for sparc/);
  const win = await build(`FROM --platform=windows/amd64 ${engine.base}\n`);
  assert.equal(win.code, 1);
  assert.match(win.stderr, /FROM --platform "windows\/amd64" is not supported: this engine builds linux images only/);
});
