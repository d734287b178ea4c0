// Document symbols (a tree: stages, their instructions) and folding ranges.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DocumentSymbol, FoldingRange } from 'vscode-languageserver-protocol';
import { openDoc, SAMPLE } from './fixture';
import { LspClient } from './lsp-client';

let client: LspClient;
let uri: string;
before(async () => {
  client = await LspClient.start();
  uri = await openDoc(client, SAMPLE);
});
after(() => client.stop());

test('symbols: directives and global ARGs on top, then stages holding their instructions', async () => {
  const symbols: DocumentSymbol[] = await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbols.map((s) => s.name), ['# syntax', 'ARG', 'ARG', 'build', 'test', 'stage 2']);
  const build = symbols[3];
  assert.equal(build.detail, 'FROM ${BASE}:${VERSION}');
  assert.deepEqual(build.children!.map((c) => c.name), ['ARG', 'ENV', 'WORKDIR', 'RUN', 'COPY']);
  assert.deepEqual(build.range, { start: { line: 3, character: 0 }, end: build.children![4].range.end });
  assert.deepEqual(build.children![1].children!.map((c) => `${c.name}=${c.detail}`), ['APP_HOME=/app', 'PATH=/app/bin:$PATH']);
  assert.deepEqual(build.selectionRange, { start: { line: 3, character: 27 }, end: { line: 3, character: 32 } });
});

test('MAINTAINER is tagged deprecated', async () => {
  const u = await openDoc(client, 'FROM a\nMAINTAINER me\n');
  const symbols: DocumentSymbol[] = await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: u } });
  assert.deepEqual(symbols[0].children![0].tags, [1]);
});

test('folding: stages, continuations, heredocs and comment blocks', async () => {
  const text = '# one\n# two\n# three\nFROM a AS b\nRUN x \\\n  y\nCOPY <<EOF /f\nbody\nEOF\n\nFROM b\nRUN z\n';
  const u = await openDoc(client, text);
  const ranges: FoldingRange[] = await client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri: u } });
  const got = ranges.map((r) => `${r.startLine}-${r.endLine}${r.kind ? ` ${r.kind}` : ''}`).sort();
  assert.deepEqual(got, ['0-2 comment', '10-11 region', '3-8 region', '4-5', '6-8'].sort());
});
