// Diagnostics while typing: published on open and after edits, each with its rule id, a link to the
// rule's page and the right source; per-rule severities from settings, re-read when they change.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { openDoc } from './fixture';
import { codes, LspClient } from './lsp-client';

let client: LspClient;
before(async () => { client = await LspClient.start({ settings: { rules: {}, shellcheck: { enable: false, path: 'shellcheck' } } }); });
after(() => client.stop());

const BAD = 'from ubuntu\nMAINTAINER me\nRUN apt-get install curl\nCMD echo hi\n';

function byCode(list: readonly Diagnostic[], code: string): Diagnostic {
  const d = list.find((x) => x.code === code);
  assert.ok(d, `${code} in ${codes(list).join(', ')}`);
  return d;
}

test('diagnostics on open carry rule id, source, severity and tags', async () => {
  const uri = `file:///diag/${process.pid}/a/Dockerfile`;
  const { diagnostics, version } = await client.open(uri, BAD);
  assert.equal(version, 1);
  const maintainer = byCode(diagnostics, 'DL4000');
  assert.equal(maintainer.source, 'berth');
  assert.equal(maintainer.severity, 1);
  assert.deepEqual(maintainer.range.start, { line: 1, character: 0 });
  assert.deepEqual(maintainer.tags, [2], 'deprecated');
  assert.equal(byCode(diagnostics, 'DL3015').severity, 3, 'hadolint info -> Information');
  assert.equal(byCode(diagnostics, 'DL3006').severity, 2);
});

test('each diagnostic links to its rule page in docs/rules', async () => {
  const uri = await openDoc(client, BAD);
  for (const d of client.diagnostics.get(uri)!.diagnostics) {
    assert.ok(d.codeDescription, `${d.code} has a link`);
    assert.match(d.codeDescription.href, new RegExp(`^file:///.*/docs/rules/${d.code}\\.md$`));
    assert.ok(fs.existsSync(fileURLToPath(d.codeDescription.href)), `${d.codeDescription.href} exists`);
  }
});

test('an edit re-lints the new version after the debounce', async () => {
  const uri = await openDoc(client, BAD);
  const after1 = await client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }]);
  assert.equal(after1.version, 2);
  assert.ok(!codes(after1.diagnostics).includes('DL4000'), 'MAINTAINER removed');
  assert.ok(codes(after1.diagnostics).includes('DL3008'));
});

test('a burst of edits ends with the last version, never an older one after a newer', async () => {
  const uri = await openDoc(client, 'FROM alpine:3.20\n');
  const published: number[] = [];
  void client.nextDiagnostics(uri, undefined, (p) => { published.push(p.version ?? -1); return false; });
  const last = client.nextDiagnostics(uri, 6);
  for (let v = 2; v <= 6; v++) {
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: `FROM alpine:3.20\nMAINTAINER v${v}\n` }] });
  }
  const final = await last;
  assert.ok(codes(final.diagnostics).includes('DL4000'));
  // A flush of the pipe: anything still in flight for this document has arrived by now.
  await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(published, [...published].sort((x, y) => x - y), 'versions only go forward');
  assert.equal(published[published.length - 1], 6);
});

test('settings: per-rule severity and off, re-read when they change', async () => {
  const uri = await openDoc(client, BAD);
  const next = client.nextDiagnostics(uri, 1, (p) => !codes(p.diagnostics).includes('DL4000'));
  await client.changeSettings({ rules: { DL4000: 'off', DL3006: 'hint', FromAsCasing: 'error' }, shellcheck: { enable: false } });
  const { diagnostics } = await next;
  assert.equal(byCode(diagnostics, 'DL3006').severity, 4, 'hint');
  await client.changeSettings({ rules: {}, shellcheck: { enable: false } });
});

test('bad settings are reported by name and the rest still applies', async () => {
  const logsBefore = client.logs.length;
  const uri = await openDoc(client, BAD);
  const next = client.nextDiagnostics(uri, 1, (p) => !codes(p.diagnostics).includes('DL3006'));
  await client.changeSettings({ rules: { DL3006: 'off', DL4000: 'loud' }, shellcheck: { enable: 'yes' } });
  await next;
  const logs = client.logs.slice(logsBefore).join('\n');
  assert.match(logs, /berth\.dockerfile\.rules\.DL4000 is "loud"; use one of error, warning, info, hint, off/);
  assert.match(logs, /berth\.dockerfile\.shellcheck\.enable is "yes"; use true or false/);
  await client.changeSettings({ rules: {}, shellcheck: { enable: false } });
});

test('closing a document clears its diagnostics', async () => {
  const uri = await openDoc(client, BAD);
  const cleared = client.nextDiagnostics(uri, undefined, (p) => p.diagnostics.length === 0);
  await client.close(uri);
  await cleared;
});

test('tags: Unnecessary for an empty continuation line, Deprecated for MAINTAINER', async () => {
  const uri = await openDoc(client, 'FROM alpine:3.20\nMAINTAINER me\nRUN echo a \\\n\n  b\n');
  const list = client.diagnostics.get(uri)!.diagnostics;
  assert.deepEqual(byCode(list, 'NoEmptyContinuation').tags, [1]);
  assert.deepEqual(byCode(list, 'DL4000').tags, [2]);
});
