// What berthd builds beyond Docker Engine's legacy builder (BuildKit's Dockerfile features), and the
// parts of the legacy builder the differential fixtures cannot show: heredocs, COPY --chmod and
// --link, ADD from a URL, ONBUILD triggers running in a child build, the escape directive, the
// predefined platform and proxy args, FROM --platform.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestOptions, startBuildEngine, type BuildEngine } from '../builder/helpers/build-engine.js';
import { registryOrSkip, startLocalRegistry } from '../registry/helpers/local-registry.js';

const opts = buildTestOptions();
let engine: BuildEngine;
let server: http.Server;
let url = '';
const work = mkdtempSync(join(tmpdir(), 'berth-build-feat-'));

before(async () => {
  if (opts.skip) return;
  engine = await startBuildEngine();
  server = http.createServer((req, res) => {
    if (req.url === '/files/tool.sh') {
      res.writeHead(200, { 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT' });
      res.end('#!/bin/sh\necho downloaded\n');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server?.close();
  await engine?.dispose();
  rmSync(work, { recursive: true, force: true });
});

let n = 0;
function context(dockerfile: string, files: Record<string, string> = {}): string {
  const dir = join(work, `c${n++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), c);
  return dir;
}

async function build(dockerfile: string, files: Record<string, string> = {}, extra: string[] = []): Promise<string> {
  const tag = `berth-test/feat-${n}`;
  const r = await engine.docker(['build', '--network', 'host', ...extra, '-t', tag, context(dockerfile, files)]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return tag;
}

async function sh(tag: string, script: string): Promise<string> {
  const r = await engine.docker(['run', '--rm', tag, 'sh', '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

test('RUN and COPY heredocs (BuildKit syntax)', opts, async () => {
  const tag = await build([
    `FROM ${engine.base}`,
    'ARG NAME=world',
    'RUN <<EOF',
    'echo "hello $NAME" > /greeting',
    'echo second line >> /greeting',
    'EOF',
    'RUN <<EOT',
    '#!/bin/sh',
    'echo "from a shebang script" > /script-out',
    'EOT',
    'RUN cat <<-X > /tabs',
    '\tindented',
    '\tX',
    'COPY <<CONF /etc/app.conf',
    'name=${NAME}',
    'CONF',
    'COPY --chmod=0755 <<"RAW" /usr/bin/raw-tool',
    'echo ${NOT_EXPANDED}',
    'RAW',
    '',
  ].join('\n'));
  assert.equal(await sh(tag, 'cat /greeting /script-out /tabs /etc/app.conf /usr/bin/raw-tool; stat -c %a /usr/bin/raw-tool'),
    'hello world\nsecond line\nfrom a shebang script\nindented\nname=world\necho ${NOT_EXPANDED}\n755\n');
});

test('COPY --chmod and --link, ADD from a URL (mode 0600, Last-Modified, never unpacked)', opts, async () => {
  const tag = await build([
    `FROM ${engine.base}`,
    'COPY --chmod=640 a.txt /modes/a.txt',
    'COPY --chmod=u+x,go-r a.txt /modes/sym.txt',
    'RUN mkdir -p /linked && chmod 700 /linked',
    'COPY --link a.txt /linked/a.txt',
    'ARG URL',
    `ADD ${'$'}{URL}/files/tool.sh /downloads/`,
    '',
  ].join('\n'), { 'a.txt': 'a\n' }, ['--build-arg', `URL=${url}`]);
  assert.equal(await sh(tag, 'stat -c "%n %a" /modes/a.txt /modes/sym.txt /linked/a.txt /downloads/tool.sh; date -u -r /downloads/tool.sh +%Y'),
    '/modes/a.txt 640\n/modes/sym.txt 700\n/linked/a.txt 644\n/downloads/tool.sh 600\n2024\n');
  const h = await engine.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag]);
  assert.match(h.stdout, /COPY --link file:[0-9a-f]{64} in \/linked\/a.txt/);
});

test('ONBUILD triggers run in the child build; the escape directive; platform and proxy args', opts, async () => {
  const parent = await build(`FROM ${engine.base}\nONBUILD RUN echo "triggered in child" > /onbuild.txt\nONBUILD ENV FROM_TRIGGER=yes\n`);
  const child = await engine.docker(['build', '-t', 'berth-test/feat-child', context(`FROM ${parent}\nRUN cat /onbuild.txt\n`)]);
  assert.equal(child.code, 0, child.stderr);
  assert.match(child.stdout, /# Executing 2 build triggers/);
  assert.equal(await sh('berth-test/feat-child', 'cat /onbuild.txt; echo $FROM_TRIGGER'), 'triggered in child\nyes\n');
  const onbuild = await engine.docker(['image', 'inspect', '--format', '{{json .Config.OnBuild}}', 'berth-test/feat-child']);
  assert.equal(onbuild.stdout.trim(), 'null', 'triggers do not pass to grandchildren');

  const escaped = await build('# escape=`\n' + `FROM ${engine.base}\nRUN echo one `+ '`\n' + '  two > /escaped\n');
  assert.equal(await sh(escaped, 'cat /escaped'), 'one two\n');

  const args = await build([
    `FROM --platform=linux/amd64 ${engine.base}`,
    'ARG TARGETPLATFORM',
    'ARG TARGETARCH',
    'RUN echo "$TARGETPLATFORM $TARGETARCH ${BUILDARCH:-unset} $HTTP_PROXY" > /args',
    '',
  ].join('\n'), {}, ['--build-arg', 'HTTP_PROXY=http://proxy.invalid:3128']);
  assert.equal(await sh(args, 'cat /args'), 'linux/amd64 amd64 unset http://proxy.invalid:3128\n');
  const history = await engine.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', args]);
  assert.doesNotMatch(history.stdout, /proxy\.invalid/, 'proxy args stay out of the history');
  const platform = await engine.docker(['build', context(`FROM --platform=linux/arm64 ${engine.base}\n`)]);
  assert.equal(platform.code, 1);
  // The local base is linux/amd64 and cannot be pulled for arm64 here (build-platform.test.ts builds arm64).
  assert.match(platform.stderr, /platform "linux\/arm64" needs emulation .*qemu-user-static|was found but is linux\/amd64, not the linux\/arm64 this build wants/);
});

test('build options reach RUN: --memory, --shm-size, --add-host, --network none', opts, async () => {
  const tag = `berth-test/feat-opts`;
  const r = await engine.docker(['build', '--memory', '64m', '--shm-size', '32m', '--add-host', 'db.internal:10.1.2.3', '-t', tag,
    context(`FROM ${engine.base}\nRUN cat /sys/fs/cgroup/memory/memory.limit_in_bytes > /mem; df -k /dev/shm | tail -1 | awk '{print $2}' > /shm; grep db.internal /etc/hosts > /hosts\n`)]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(await sh(tag, 'cat /mem /shm /hosts'), '67108864\n32768\n10.1.2.3\tdb.internal\n');
  const none = await engine.docker(['build', '--network', 'none', context(`FROM ${engine.base}\nRUN ip -o link | grep -v ' lo:' | wc -l > /links && test "$(cat /links)" = 0\n`)]);
  assert.equal(none.code, 0, none.stdout + none.stderr);
});

test('FROM an image that is not here pulls it (progress in the build output); --pull pulls again', opts, async (t) => {
  const registry = registryOrSkip();
  if ('skip' in registry) {
    t.skip(registry.skip);
    return;
  }
  const reg = await startLocalRegistry(registry.binary);
  try {
    const remote = `${reg.host}/berth-test/base:1`;
    assert.equal((await engine.docker(['tag', engine.base, remote])).code, 0);
    const push = await engine.docker(['push', remote]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await engine.docker(['rmi', remote])).code, 0);
    const dir = context(`FROM ${remote}\nRUN echo pulled > /pulled\n`);
    const first = await engine.docker(['build', dir]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /Status: (Downloaded newer image|Image is up to date) for 127\.0\.0\.1:\d+\/berth-test\/base:1/);
    const again = await engine.docker(['build', dir]);
    assert.doesNotMatch(again.stdout, /Pulling from/, 'present now: not pulled again');
    const pulled = await engine.docker(['build', '--pull', dir]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stdout, /Status: Image is up to date for/);
  } finally {
    await reg.stop();
  }
});
