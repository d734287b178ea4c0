// `docker build` (DOCKER_BUILDKIT=0) and dockerode against berthd: the legacy builder's output, tags,
// the step cache across a daemon restart, build args, labels, target, quiet mode, .dockerignore.
import { spawnSync } from 'node:child_process';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildTestOptions, startBuildEngine, type BuildEngine } from '../builder/helpers/build-engine.js';
import { contextTar } from '../builder/helpers/build-request.js';

const opts = buildTestOptions();
let engine: BuildEngine;
const work = mkdtempSync(join(tmpdir(), 'berth-build-cli-'));

before(async () => {
  if (!opts.skip) engine = await startBuildEngine();
});
after(async () => {
  await engine?.dispose();
  rmSync(work, { recursive: true, force: true });
});

function context(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  return dir;
}

const ids = (text: string): string[] => [...text.matchAll(/^ ---> ([0-9a-f]{12})$/gm)].map((m) => m[1]);

test('build, tag, rebuild from the cache, and again after a daemon restart; --no-cache runs every step', opts, async () => {
  const dir = context('basic', {
    Dockerfile: `FROM ${engine.base}\nENV GREETING=hello\nRUN echo "$GREETING from RUN" && echo to-stderr >&2 && echo made > /made.txt\nCOPY app.txt /app/\nCMD ["cat", "/app/app.txt"]\n`,
    'app.txt': 'the app\n',
  });
  const first = await engine.docker(['build', '-t', 'berth-test/basic:1', '-t', 'berth-test/basic:latest', dir]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^Step 1\/5 : FROM berth-test\/busybox:/m);
  assert.match(first.stdout, /^Step 3\/5 : RUN echo "\$GREETING from RUN"/m);
  // The RUN's stdout and stderr are separate pipes: which one the CLI prints first is not fixed (as with Docker).
  const step3 = first.stdout.slice(first.stdout.indexOf('Step 3/5'), first.stdout.indexOf('Step 4/5'));
  assert.match(step3, /^ ---> Running in [0-9a-f]{12}\n/m);
  assert.match(step3, /hello from RUN\n/);
  assert.match(step3, /to-stderr/);
  assert.match(first.stdout, /^Removing intermediate container [0-9a-f]{12}$/m);
  assert.match(first.stdout, /^Successfully built ([0-9a-f]{12})\nSuccessfully tagged berth-test\/basic:1\nSuccessfully tagged berth-test\/basic:latest\n$/m);
  const built = /Successfully built ([0-9a-f]{12})/.exec(first.stdout)![1];
  assert.equal(ids(first.stdout).at(-1), built);
  const run = await engine.docker(['run', '--rm', 'berth-test/basic:1']);
  assert.equal(run.stdout, 'the app\n', run.stderr);

  const images = await engine.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.deepEqual(images.stdout.trim().split('\n').sort(), ['berth-test/basic:1', 'berth-test/basic:latest', engine.base].sort(), 'step images are not listed');

  const again = await engine.docker(['build', '-t', 'berth-test/basic:1', dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((again.stdout.match(/ ---> Using cache/g) ?? []).length, 4);
  assert.doesNotMatch(again.stdout, /Running in/);
  assert.match(again.stdout, new RegExp(`Successfully built ${built}`));

  // A stopped daemon leaves no network namespace of its builds on the host (the one it keeps for the
  // next build goes too).
  await engine.stop('SIGTERM');
  assert.deepEqual(buildNamespaces(), [], 'network namespaces of builds left after the daemon stopped');
  await engine.restart();
  const afterRestart = await engine.docker(['build', dir]);
  assert.equal((afterRestart.stdout.match(/ ---> Using cache/g) ?? []).length, 4, afterRestart.stdout);
  assert.match(afterRestart.stdout, new RegExp(`Successfully built ${built}`));

  writeFileSync(join(dir, 'app.txt'), 'changed\n');
  const copyChanged = await engine.docker(['build', dir]);
  assert.equal((copyChanged.stdout.match(/ ---> Using cache/g) ?? []).length, 2, 'ENV and RUN cached, COPY and CMD not');

  const fresh = await engine.docker(['build', '--no-cache', dir]);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.doesNotMatch(fresh.stdout, /Using cache/);
});

test('build args, --label, --target (unneeded stages never run), -q and --iidfile', opts, async () => {
  const dir = context('stages', {
    Dockerfile: [
      `ARG BASE=${engine.base}`,
      'FROM $BASE AS broken',
      'RUN echo "this stage must not run" && exit 1',
      'FROM $BASE AS tools',
      'ARG FLAVOR=plain',
      'RUN echo "$FLAVOR" > /flavor',
      'FROM $BASE AS final',
      'ARG FLAVOR',
      'COPY --from=tools /flavor /flavor',
      'RUN echo "final sees ${FLAVOR:-nothing}" > /final',
      'FROM final AS extra',
      'RUN echo extra > /extra',
      '',
    ].join('\n'),
  });
  const r = await engine.docker(['build', '--build-arg', 'FLAVOR=spicy', '--build-arg', 'UNUSED_ARG=1', '--label', 'org.test=yes', '--target', 'final', '-t', 'berth-test/stages', dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /must not run/);
  assert.doesNotMatch(r.stdout, /RUN echo extra/);
  assert.match(r.stdout, /Step \d+\/\d+ : LABEL org\.test=yes/);
  assert.match(r.stdout, /\[Warning\] One or more build-args \[UNUSED_ARG\] were not consumed/);
  const cat = await engine.docker(['run', '--rm', 'berth-test/stages', 'cat', '/flavor', '/final']);
  assert.equal(cat.stdout, 'spicy\nfinal sees spicy\n');
  const labels = await engine.docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', 'berth-test/stages']);
  assert.equal(labels.stdout.trim(), '{"org.test":"yes"}');
  const history = await engine.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'berth-test/stages']);
  assert.match(history.stdout, /^\|1 FLAVOR=spicy \/bin\/sh -c echo "final sees \$\{FLAVOR:-nothing\}" > \/final$/m, 'RUN with build args records them, as Docker does');

  const iid = join(work, 'iid');
  const q = await engine.docker(['build', '-q', '--iidfile', iid, '--target', 'tools', dir]);
  assert.equal(q.code, 0, q.stderr);
  assert.match(q.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.equal(readFileSync(iid, 'utf8'), q.stdout, 'as with Docker Engine, the ID line itself');
});

test('dockerode: gzip context, .dockerignore applied by the daemon, progress via followProgress', opts, async () => {
  const tar = gzipSync(await contextTar([
    { name: 'Dockerfile', content: `FROM ${engine.base}\nCOPY . /ctx/\nRUN ls -A /ctx | sort > /listing\n` },
    { name: '.dockerignore', content: 'secret*\n*.log\n' },
    { name: 'keep.txt', content: 'keep' },
    { name: 'secret.key', content: 'nope' },
    { name: 'debug.log', content: 'nope' },
  ]));
  const stream = await engine.client.buildImage(tar as unknown as NodeJS.ReadableStream, { t: 'berth-test/dockerode' });
  const messages = await new Promise<{ stream?: string; error?: string; aux?: { ID: string } }[]>((resolve, reject) => {
    engine.client.modem.followProgress(stream, (err: Error | null, res: { stream?: string }[]) => (err ? reject(err) : resolve(res)));
  });
  assert.equal(messages.find((m) => m.error), undefined);
  assert.ok(messages.some((m) => m.aux?.ID?.startsWith('sha256:')));
  const listing = await engine.docker(['run', '--rm', 'berth-test/dockerode', 'cat', '/listing']);
  assert.equal(listing.stdout, '.dockerignore\nDockerfile\nkeep.txt\n');
});

test('--cache-from: an image loaded without its step images still serves as cache', opts, async () => {
  const dir = context('cache-from', {
    Dockerfile: `FROM ${engine.base}\nENV A=1\nRUN echo built > /built\nCOPY f.txt /f.txt\nLABEL done=yes\n`,
    'f.txt': 'f\n',
  });
  const first = await engine.docker(['build', '-t', 'berth-test/cache-src', dir]);
  assert.equal(first.code, 0, first.stderr);
  const id = /Successfully built ([0-9a-f]{12})/.exec(first.stdout)![1];
  const steps = ids(first.stdout).slice(1, -1);
  const saved = join(work, 'cache-src.tar');
  assert.equal((await engine.docker(['save', '-o', saved, 'berth-test/cache-src'])).code, 0);
  const rmi = await engine.docker(['rmi', 'berth-test/cache-src']);
  assert.match(rmi.stdout, /Deleted: sha256:/, rmi.stderr);
  for (const step of steps) {
    assert.notEqual((await engine.docker(['image', 'inspect', step])).code, 0, `step image ${step} is gone, so the local cache cannot hit`);
  }
  assert.equal((await engine.docker(['load', '-i', saved])).code, 0);

  const withCache = await engine.docker(['build', '--cache-from', 'berth-test/cache-src', dir]);
  assert.equal(withCache.code, 0, withCache.stderr);
  assert.equal((withCache.stdout.match(/ ---> Using cache/g) ?? []).length, 4, withCache.stdout);
  assert.match(withCache.stdout, new RegExp(`Successfully built ${id}`), 'the last step is the source image itself');
});

test('Dockerfile from stdin (-f -), a context from stdin (plain Dockerfile or a gzip tar)', opts, async () => {
  const dir = context('stdin', { 'f.txt': 'f\n' });
  const viaDash = await engine.docker(['build', '-f', '-', '-t', 'berth-test/stdin', dir], { input: `FROM ${engine.base}\nCOPY . /ctx/\nRUN ls -A /ctx > /listing\n` });
  assert.equal(viaDash.code, 0, viaDash.stdout + viaDash.stderr);
  assert.equal((await engine.docker(['run', '--rm', 'berth-test/stdin', 'cat', '/listing'])).stdout, 'f.txt\n', 'the CLI\'s temporary Dockerfile and .dockerignore are not copied');
  const onlyDockerfile = await engine.docker(['build', '-'], { input: `FROM ${engine.base}\nRUN echo from-stdin\n` });
  assert.equal(onlyDockerfile.code, 0, onlyDockerfile.stderr);
  assert.match(onlyDockerfile.stdout, /^from-stdin$/m);
  const tgz = gzipSync(await contextTar([{ name: 'Dockerfile', content: `FROM ${engine.base}\nCOPY x /x\n` }, { name: 'x', content: 'x' }]));
  const gz = await engine.docker(['build', '-'], { input: tgz });
  assert.equal(gz.code, 0, gz.stderr);
  assert.match(gz.stdout, /Successfully built/);
});

/** The network namespaces named with this engine's prefix (its containers' and builds'). */
function buildNamespaces(): string[] {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  return list.split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith(`${engine.prefix}-`));
}
