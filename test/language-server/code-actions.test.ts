// Code actions: the linter's quick fixes, "ignore on this line" for every finding, and fix-all.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { openDoc } from './fixture';
import { codes, LspClient } from './lsp-client';

let client: LspClient;
before(async () => { client = await LspClient.start({ settings: { rules: {}, shellcheck: { enable: false } } }); });
after(() => client.stop());

const BAD = 'from ubuntu:22.04\nMAINTAINER me\nRUN apt-get install curl\nCMD echo hi\n';

async function actions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } });
}

function apply(text: string, uri: string, action: CodeAction): string {
  return TextDocument.applyEdits(TextDocument.create(uri, 'dockerfile', 1, text), action.edit!.changes![uri]);
}

test('quick fixes from the linter, attached to their diagnostic', async () => {
  const uri = await openDoc(client, BAD);
  const diags = client.diagnostics.get(uri)!.diagnostics;
  const d = diags.find((x) => x.code === 'DL3015')!;
  const list = await actions(uri, [d]);
  const fix = list.find((a) => /no-install-recommends/.test(a.title))!;
  assert.ok(fix, `a fix for DL3015 among ${list.map((a) => a.title).join(' | ')}`);
  assert.equal(fix.kind, 'quickfix');
  assert.deepEqual(fix.diagnostics, [d]);
  assert.match(apply(BAD, uri, fix), /apt-get install --no-install-recommends curl|apt-get install .*--no-install-recommends/);
});

test('every finding can be ignored on its line', async () => {
  const uri = await openDoc(client, BAD);
  const diags = client.diagnostics.get(uri)!.diagnostics;
  for (const d of diags) {
    const list = await actions(uri, [d]);
    const ignore = list.find((a) => a.title.toLowerCase().includes('ignore'));
    assert.ok(ignore, `an ignore action for ${d.code}`);
  }
  const d = diags.find((x) => x.code === 'DL3008')!;
  const ignore = (await actions(uri, [d])).find((a) => a.title.toLowerCase().includes('ignore'))!;
  const edited = apply(BAD, uri, ignore);
  assert.match(edited, /# hadolint ignore=DL3008\nRUN apt-get install curl/);
  const after = await client.change(uri, [{ text: edited }]);
  assert.ok(!codes(after.diagnostics).includes('DL3008'), 'the pragma silences the rule');
});

test('fix all applies every preferred fix in one non-overlapping edit', async () => {
  const uri = await openDoc(client, BAD);
  const before = client.diagnostics.get(uri)!.diagnostics;
  const list = await actions(uri, [], ['source.fixAll']);
  assert.equal(list.length, 1);
  assert.equal(list[0].kind, 'source.fixAll.berth');
  const fixed = apply(BAD, uri, list[0]);
  const after = await client.change(uri, [{ text: fixed }]);
  assert.ok(after.diagnostics.length < before.length, `${codes(before)} -> ${codes(after.diagnostics)}`);
  assert.equal((await actions(uri, [], ['quickfix'])).length, 0, 'only=quickfix with no diagnostics: nothing');
});

test('diagnostics from an older version get no actions rather than wrong edits', async () => {
  const uri = await openDoc(client, BAD);
  const old = client.diagnostics.get(uri)!.diagnostics;
  await client.change(uri, [{ text: 'FROM alpine:3.20\n' }]);
  assert.deepEqual(await actions(uri, old.filter((d) => d.code === 'DL3015')), []);
});
