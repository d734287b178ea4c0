// The legacy builder's JSON stream: message shapes, quiet mode, errors before and after the first message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { BuildOutput } from '../../../runtime/builder/output.js';
import { InvalidError } from '../../../runtime/errdefs.js';

class FakeResponse extends EventEmitter {
  status = 0;
  headers: Record<string, unknown> = {};
  body = '';
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  writeHead(status: number, headers: Record<string, unknown>): this { this.status = status; this.headers = headers; this.headersSent = true; return this; }
  flushHeaders(): void {}
  write(chunk: string): boolean { this.body += chunk; return true; }
  end(chunk?: string): this { if (chunk) this.body += chunk; this.writableEnded = true; this.writableFinished = true; return this; }
  lines(): Record<string, unknown>[] { return this.body.split('\r\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>); }
}

const make = (quiet = false): [BuildOutput, FakeResponse] => {
  const res = new FakeResponse();
  return [new BuildOutput(res as unknown as ServerResponse, quiet), res];
};

test('steps, cache hits, containers, results and the aux ID', () => {
  const [out, res] = make();
  out.step(1, 3, 'FROM busybox');
  out.result('sha256:0123456789abcdef0123');
  out.usingCache();
  out.runningIn('fedcba9876543210fedcba');
  out.runOutput('stderr', Buffer.from('oops\n'));
  out.removingContainer('fedcba9876543210fedcba');
  out.aux('sha256:abc');
  out.end();
  assert.equal(res.status, 200);
  assert.equal(res.headers['Content-Type'], 'application/json');
  assert.deepEqual(res.lines(), [
    { stream: 'Step 1/3 : FROM busybox' }, { stream: '\n' }, { stream: ' ---> 0123456789ab\n' }, { stream: ' ---> Using cache\n' },
    { stream: ' ---> Running in fedcba987654\n' }, { stream: '\u001b[91moops\n\u001b[0m' }, { stream: 'Removing intermediate container fedcba987654\n' },
    { aux: { ID: 'sha256:abc' } },
  ]);
});

test('an error before any output is an HTTP status; after output it goes in-band with its exit code', () => {
  const [early, r1] = make();
  early.fail(new InvalidError('Dockerfile parse error on line 2: unknown instruction: FOO'));
  assert.equal(r1.status, 400);
  assert.match(r1.body, /unknown instruction: FOO/);
  const [late, r2] = make();
  late.step(1, 1, 'RUN exit 3');
  late.fail(new InvalidError("The command '/bin/sh -c exit 3' returned a non-zero code: 3"), 3);
  assert.equal(r2.status, 200);
  assert.deepEqual(r2.lines().at(-1), {
    errorDetail: { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" },
    error: "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
  });
});

test('quiet: only the image ID; on failure what was held back comes first', () => {
  const [ok, r1] = make(true);
  ok.step(1, 1, 'FROM x');
  ok.aux('sha256:abc');
  ok.quietResult('sha256:abc');
  ok.end();
  assert.deepEqual(r1.lines(), [{ stream: 'sha256:abc\n' }]);
  const [bad, r2] = make(true);
  bad.step(1, 1, 'RUN false');
  bad.fail(new InvalidError('boom'), 1);
  assert.deepEqual(r2.lines().map((l) => l.stream ?? l.error), ['Step 1/1 : RUN false', '\n', 'boom']);
});
