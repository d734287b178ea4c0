// RUN --mount on a rootless berthd (a throwaway user's daemon in its user namespace): cache mounts
// with an owner, kept for the next build; a bind of the context; a tmpfs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importBusyboxRootless, rootlessTestOptions, startRootlessEngine, type RootlessEngine } from '../rootless/rootless-fixture.js';

const opts = rootlessTestOptions();

let e: RootlessEngine;
before(async () => {
  if (opts.skip) return;
  e = await startRootlessEngine();
  await importBusyboxRootless(e);
});
after(async () => { await e?.dispose(); });

test('rootless: cache, bind and tmpfs mounts', opts, async () => {
  const ctx = mkdtempSync(join(tmpdir(), 'berth-rootless-mounts-'));
  try {
    writeFileSync(join(ctx, 'hello'), 'hello\n');
    const dockerfile = (v: string): string => [
      'FROM busybox',
      `RUN --mount=type=cache,target=/c,uid=1000 echo ${v} >> /c/log && cat /c/log > /seen && stat -c %u /c >> /seen`,
      'RUN --mount=type=bind,target=/ctx cat /ctx/hello > /seen-bind',
      'RUN --mount=type=tmpfs,target=/t touch /t/x && ls /t > /seen-tmpfs',
      'CMD cat /seen /seen-bind /seen-tmpfs; ls -A /c /ctx /t',
    ].join('\n');
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile('a'));
    const a = await e.docker(['build', '-q', '-t', 'rootless-mounts', ctx]);
    assert.equal(a.code, 0, a.stderr + e.log());
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile('b'));
    const b = await e.docker(['build', '-q', '-t', 'rootless-mounts', ctx]);
    assert.equal(b.code, 0, b.stderr + e.log());
    const r = await e.docker(['run', '--rm', 'rootless-mounts']);
    assert.equal(r.stdout, 'a\nb\n1000\nhello\nx\n/c:\n\n/ctx:\n\n/t:\n', r.stderr);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
});
