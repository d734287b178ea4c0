// Definition, references, document highlight and rename for ARG/ENV variables and stage names.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DocumentHighlight, Location, Range, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { at, openDoc, SAMPLE } from './fixture';
import { LspClient } from './lsp-client';

let client: LspClient;
let uri: string;
before(async () => {
  client = await LspClient.start();
  uri = await openDoc(client, SAMPLE);
});
after(() => client.stop());

const where = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.character}`;

test('definition: a $VAR jumps to the ARG/ENV in effect, a stage reference to its name', async () => {
  const version: Location = await client.connection.sendRequest('textDocument/definition', at(uri, 8, 21));
  assert.equal(where(version.range), '4:4-11', 'the stage ARG VERSION, not the global one');
  const inFrom: Location = await client.connection.sendRequest('textDocument/definition', at(uri, 3, 17));
  assert.equal(where(inFrom.range), '2:4-11', 'FROM sees the global ARG');
  const home: Location = await client.connection.sendRequest('textDocument/definition', at(uri, 14, 12));
  assert.equal(where(home.range), '5:4-12', 'ENV is inherited by FROM build');
  const stage: Location = await client.connection.sendRequest('textDocument/definition', at(uri, 17, 14));
  assert.equal(where(stage.range), '3:27-32');
  const mount: Location = await client.connection.sendRequest('textDocument/definition', at(uri, 18, 29));
  assert.equal(where(mount.range), '13:14-18');
  assert.equal(await client.connection.sendRequest('textDocument/definition', at(uri, 5, 34)), null, '$PATH is not declared here');
});

test('references and highlights cover declarations and uses', async () => {
  const refs: Location[] = await client.connection.sendRequest('textDocument/references', { ...at(uri, 2, 6), context: { includeDeclaration: true } });
  assert.deepEqual(refs.map((l) => where(l.range)), ['2:4-11', '3:15-22', '4:4-11', '8:19-26']);
  const uses: Location[] = await client.connection.sendRequest('textDocument/references', { ...at(uri, 2, 6), context: { includeDeclaration: false } });
  assert.deepEqual(uses.map((l) => where(l.range)), ['3:15-22', '8:19-26']);
  const stage: Location[] = await client.connection.sendRequest('textDocument/references', { ...at(uri, 3, 29), context: { includeDeclaration: true } });
  assert.deepEqual(stage.map((l) => where(l.range)), ['3:27-32', '13:5-10', '17:12-17']);
  const hl: DocumentHighlight[] = await client.connection.sendRequest('textDocument/documentHighlight', at(uri, 13, 7));
  assert.deepEqual(hl.map((h) => `${where(h.range)}/${h.kind}`), ['3:27-32/3', '13:5-10/2', '17:12-17/2']);
});

test('rename a stage everywhere it is named', async () => {
  const prep = await client.connection.sendRequest('textDocument/prepareRename', at(uri, 17, 13));
  assert.deepEqual(prep, { range: { start: { line: 17, character: 12 }, end: { line: 17, character: 17 } }, placeholder: 'build' });
  const edit: WorkspaceEdit = await client.connection.sendRequest('textDocument/rename', { ...at(uri, 17, 13), newName: 'compile' });
  assert.deepEqual(edit.changes![uri].map((e) => `${where(e.range)}=${e.newText}`), ['3:27-32=compile', '13:5-10=compile', '17:12-17=compile']);
});

test('rename a variable: declarations and uses', async () => {
  const edit: WorkspaceEdit = await client.connection.sendRequest('textDocument/rename', { ...at(uri, 6, 10), newName: 'HOME_DIR' });
  assert.deepEqual(edit.changes![uri].map((e) => where(e.range)), ['5:4-12', '6:9-17', '14:10-18']);
});

test('a stage named by index is a reference, but rename leaves the index alone', async () => {
  const u = await openDoc(client, 'FROM alpine AS build\nFROM alpine\nCOPY --from=0 /a /a\nCOPY --from=build /b /b\n');
  const refs: Location[] = await client.connection.sendRequest('textDocument/references', { ...at(u, 0, 16), context: { includeDeclaration: true } });
  assert.deepEqual(refs.map((l) => where(l.range)), ['0:15-20', '2:12-13', '3:12-17']);
  const edit: WorkspaceEdit = await client.connection.sendRequest('textDocument/rename', { ...at(u, 0, 16), newName: 'compile' });
  assert.deepEqual(edit.changes![u].map((e) => where(e.range)), ['0:15-20', '3:12-17']);
});

test('rename refuses names that would change the build, saying why', async () => {
  await assert.rejects(client.connection.sendRequest('textDocument/rename', { ...at(uri, 3, 29), newName: '1bad' }), /not a valid stage name/);
  await assert.rejects(client.connection.sendRequest('textDocument/rename', { ...at(uri, 3, 29), newName: 'TEST' }), /already named "test"/);
  await assert.rejects(client.connection.sendRequest('textDocument/rename', { ...at(uri, 3, 29), newName: 'scratch' }), /reserved/);
  await assert.rejects(client.connection.sendRequest('textDocument/rename', { ...at(uri, 8, 20), newName: 'BASE' }), /already uses a variable named BASE/);
  await assert.rejects(client.connection.sendRequest('textDocument/rename', { ...at(uri, 8, 20), newName: 'a-b' }), /not a valid variable name/);
  await assert.rejects(client.connection.sendRequest('textDocument/rename', { ...at(uri, 5, 20), newName: 'P' }), /PATH on line 6 is the base image's or the build's PATH/);
  const u = await openDoc(client, 'FROM a\nRUN echo $HOME\n');
  assert.equal(await client.connection.sendRequest('textDocument/prepareRename', at(u, 1, 11)), null, 'an undeclared variable cannot be renamed');
});
