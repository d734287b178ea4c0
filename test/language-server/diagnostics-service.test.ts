// The diagnostics scheduler with fake timers, a fake linter, a fake ShellCheck and a quiet gate the
// test opens: open lints at once, a burst of edits is linted once after the debounce, the first
// publish never waits for ShellCheck, a newer version withdraws an older ShellCheck request.
import assert from 'node:assert/strict';
import { beforeEach, afterEach, mock, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../../dockerfile/lint/types';
import { parseDockerfile } from '../../dockerfile/syntax/parser';
import { DiagnosticsService } from '../../language-server/diagnostics';
import type { ShellcheckComment } from '../../dockerfile/lint/shellcheck-process';
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
  /** Times the shared analyses of a tree were let go (once per lint, before ShellCheck waits). */
  released: number;
  published: { version: number | undefined; codes: string[] }[];
  /** Requests to the ShellCheck checker, in order; resolve with one comment list per text. */
  shellcheckCalls: { version: number; texts: readonly string[]; signal: AbortSignal; resolve(c: ShellcheckComment[][]): void }[];
  /** Lets the waiting ShellCheck work through (the server's quiet moment). */
  quiet(): Promise<void>;
}

/** A comment whose code and line the fake linter's findings() turns into a finding. */
function comment(code: number, line = 1): ShellcheckComment {
  return { line, endLine: line, column: 1, endColumn: 2, level: 'warning', code, message: `SC${code}`, fix: null };
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
    released: 0,
    published: [],
    shellcheckCalls: [],
    quiet: async () => {
      await flush();
      for (const w of waiting.splice(0)) w();
      await flush();
    },
  };
  const waiting: (() => void)[] = [];
  harness.service = new DiagnosticsService({
    documents: { get: (uri) => (uri === URI ? doc : undefined), all: () => [{ uri: URI }] },
    settings: { get: async () => DEFAULT_SETTINGS },
    hadolintConfig: () => undefined,
    linters: {
      lint: () => { harness.lints.push(doc.version); return [finding(`L${doc.version}`)]; },
      // One script per RUN line; each comment becomes a finding named after its code.
      shellcheckScripts: (ast) => {
        const texts = ast.instructions.filter((i) => i.keyword === 'RUN').map((i) => ast.lines[i.startLine]);
        return { texts, findings: (cs) => cs.flat().map((c) => finding(`SC${c.code}`, 'shellcheck')) };
      },
      release: () => { harness.released++; },
      isUnavailable: () => false,
    },
    shellcheck: {
      knownMissing: () => false,
      check: (texts, _exe, signal) => new Promise<ShellcheckComment[][]>((resolve) => {
        harness.shellcheckCalls.push({ version: doc.version, texts, signal, resolve });
      }),
    },
    quiet: {
      whenIdle: (signal) => new Promise<void>((resolve, reject) => {
        waiting.push(resolve);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
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

test('the first publish does not wait for ShellCheck; its findings follow in a quiet moment', async () => {
  h.setText('FROM a\nRUN echo $x\n');
  h.service.opened(URI);
  await flush();
  assert.deepEqual(h.published, [{ version: 2, codes: ['L2'] }], 'published before ShellCheck was even asked');
  assert.equal(h.shellcheckCalls.length, 0, 'ShellCheck waits for a quiet moment');
  await h.quiet();
  assert.deepEqual(h.shellcheckCalls.map((c) => c.texts), [['RUN echo $x']]);
  assert.equal(h.released, 1, 'the analyses were let go before waiting');
  h.shellcheckCalls[0].resolve([[comment(2086)]]);
  await flush();
  assert.equal(h.published.length, 1, 'the republish waits for a quiet moment too');
  await h.quiet();
  assert.deepEqual(h.published[h.published.length - 1], { version: 2, codes: ['L2', 'SC2086'] });
  assert.deepEqual(h.service.findings(URI, 2).map((f) => f.ruleId), ['L2', 'SC2086'], 'kept for code actions');
});

test('ShellCheck results merge in; a newer version withdraws and drops an older request', async () => {
  h.setText('FROM a\nRUN x\n');
  h.service.opened(URI);
  await h.quiet();
  const first = h.shellcheckCalls[0];
  h.setText('FROM b\nRUN y\n');
  h.service.changed(URI);
  assert.equal(first.signal.aborted, true, 'the stale request is withdrawn (its process stopped)');
  first.resolve([[comment(1000)]]);
  await h.quiet();
  assert.ok(!h.published.some((p) => p.codes.includes('SC1000')), 'stale results are dropped');
  mock.timers.tick(50);
  await h.quiet();
  const second = h.shellcheckCalls[1];
  assert.equal(second.version, 3);
  second.resolve([[comment(2086)]]);
  await h.quiet();
  assert.deepEqual(h.published[h.published.length - 1], { version: 3, codes: ['L3', 'SC2086'] });
});

test('while ShellCheck runs again, findings on unchanged lines stay; an unchanged result is not published twice', async () => {
  h.setText('FROM a\nRUN echo $x\n');
  h.service.opened(URI);
  await h.quiet();
  h.shellcheckCalls[0].resolve([[comment(2086)]]);
  await h.quiet();
  const before = h.published.length;
  h.setText('FROM a\nRUN echo $x\nLABEL a=b\n');
  h.service.changed(URI);
  mock.timers.tick(50);
  await flush();
  assert.deepEqual(h.published[h.published.length - 1].codes, ['L3', 'SC2086'], 'carried over at once');
  await h.quiet();
  h.shellcheckCalls[1].resolve([[comment(2086)]]);
  await h.quiet();
  assert.equal(h.published.length, before + 1, 'no second publish with the same findings');
});

test('a document without RUN scripts is published once', async () => {
  h.service.opened(URI);
  await h.quiet();
  await h.quiet();
  assert.deepEqual(h.published, [{ version: 1, codes: ['L1'] }]);
  assert.equal(h.shellcheckCalls.length, 0);
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
