// The diagnostics scheduler with fake timers and a fake linter: open lints at once, a burst of
// edits is linted once after the debounce, a newer version cancels an older ShellCheck run.
import assert from 'node:assert/strict';
import { beforeEach, afterEach, mock, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../../dockerfile/lint/types';
import { parseDockerfile } from '../../dockerfile/syntax/parser';
import { DiagnosticsService, type ShellcheckRequest } from '../../language-server/diagnostics';
import type { ParsedDocument } from '../../language-server/documents';
import { DEFAULT_SETTINGS } from '../../language-server/settings';
import { RuleDocs } from '../../language-server/rule-docs';

const URI = 'file:///svc/Dockerfile';

function finding(ruleId: string, source: 'berth' | 'shellcheck' = 'berth'): Finding {
  return { ruleId, severity: 'warning', message: ruleId, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, fixes: [], source };
}

interface Harness {
  service: DiagnosticsService;
  setText(text: string): void;
  lints: number[];
  published: { version: number | undefined; codes: string[] }[];
  shellcheckCalls: { version: number; signal: AbortSignal; resolve(f: Finding[]): void }[];
}

let h: Harness;

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout'] });
  let doc: ParsedDocument = { uri: URI, version: 1, ast: parseDockerfile('FROM a\n') };
  const harness: Harness = {
    service: undefined as unknown as DiagnosticsService,
    setText: (text) => { doc = { uri: URI, version: doc.version + 1, ast: parseDockerfile(text) }; },
    lints: [],
    published: [],
    shellcheckCalls: [],
  };
  harness.service = new DiagnosticsService({
    documents: { get: (uri) => (uri === URI ? doc : undefined), all: () => [{ uri: URI }] },
    settings: { get: async () => DEFAULT_SETTINGS },
    hadolintConfig: () => undefined,
    linters: {
      lint: () => { harness.lints.push(doc.version); return [finding(`L${doc.version}`)]; },
      shellcheck: (_ast, o: ShellcheckRequest) => new Promise<Finding[]>((resolve) => {
        harness.shellcheckCalls.push({ version: doc.version, signal: o.signal, resolve });
      }),
      isUnavailable: () => false,
    },
    docs: new RuleDocs('/nonexistent'),
    publish: (_uri, version, list: Diagnostic[]) => harness.published.push({ version, codes: list.map((d) => String(d.code)) }),
    log: { error: (m) => assert.fail(m) },
    notify: () => undefined,
    debounceMs: 50,
  });
  h = harness;
});
afterEach(() => mock.timers.reset());

test('open lints at once, without waiting for the debounce', async () => {
  h.service.opened(URI);
  await flush();
  assert.deepEqual(h.published, [{ version: 1, codes: ['L1'] }]);
});

test('a burst of edits is linted once, after the debounce, for the last version', async () => {
  h.service.opened(URI);
  await flush();
  for (const t of ['FROM b\n', 'FROM c\n', 'FROM d\n']) {
    h.setText(t);
    h.service.changed(URI);
    mock.timers.tick(20);
    await flush();
  }
  assert.deepEqual(h.lints, [1], 'nothing linted while typing');
  mock.timers.tick(50);
  await flush();
  assert.deepEqual(h.lints, [1, 4]);
  assert.deepEqual(h.published.map((p) => p.version), [1, 4]);
});

test('ShellCheck results merge in; a newer version aborts and drops an older run', async () => {
  h.service.opened(URI);
  await flush();
  const first = h.shellcheckCalls[0];
  h.setText('FROM b\nRUN x\n');
  h.service.changed(URI);
  assert.equal(first.signal.aborted, true, 'the stale ShellCheck process is stopped');
  first.resolve([finding('SC1000', 'shellcheck')]);
  await flush();
  assert.ok(!h.published.some((p) => p.codes.includes('SC1000')), 'stale results are dropped');
  mock.timers.tick(50);
  await flush();
  const second = h.shellcheckCalls[1];
  assert.equal(second.version, 2);
  second.resolve([finding('SC2086', 'shellcheck')]);
  await flush();
  assert.deepEqual(h.published[h.published.length - 1], { version: 2, codes: ['L2', 'SC2086'] });
  assert.deepEqual(h.service.findings(URI, 2).map((f) => f.ruleId), ['L2', 'SC2086'], 'kept for code actions');
});

test('unchanged RUN instructions reuse the last ShellCheck findings instead of running it again', async () => {
  h.setText('FROM a\nRUN echo $x\n');
  h.service.opened(URI);
  await flush();
  h.shellcheckCalls[0].resolve([finding('SC2086', 'shellcheck')]);
  await flush();
  h.setText('FROM a\nRUN echo $x\nLABEL a=b\n');
  h.service.changed(URI);
  mock.timers.tick(50);
  await flush();
  assert.equal(h.shellcheckCalls.length, 1, 'not run again');
  assert.deepEqual(h.published[h.published.length - 1].codes, [`L${3}`, 'SC2086']);
});

test('closing publishes an empty list and stops pending work', async () => {
  h.service.opened(URI);
  await flush();
  h.service.changed(URI);
  h.service.closed(URI);
  mock.timers.tick(100);
  await flush();
  assert.deepEqual(h.published[h.published.length - 1], { version: undefined, codes: [] });
  assert.deepEqual(h.lints, [1]);
});
