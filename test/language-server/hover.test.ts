import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { at, openDoc, SAMPLE } from './fixture';
import { LspClient } from './lsp-client';

let client: LspClient;
let uri: string;

before(async () => {
  client = await LspClient.start();
  uri = await openDoc(client, SAMPLE);
});
after(() => client.stop());

async function hoverText(line: number, character: number): Promise<string | null> {
  const h: Hover | null = await client.connection.sendRequest('textDocument/hover', at(uri, line, character));
  return h ? (h.contents as MarkupContent).value : null;
}

test('instruction keywords show their docs', async () => {
  assert.match((await hoverText(3, 1))!, /\*\*FROM\*\*: Starts a build stage/);
  assert.match((await hoverText(7, 2))!, /\*\*RUN\*\*/);
});

test('flags and RUN --mount options show their docs', async () => {
  assert.match((await hoverText(7, 6))!, /RUN --mount=/);
  assert.match((await hoverText(7, 24))!, /--mount target=\*\* \(type=cache\)/);
  assert.match((await hoverText(7, 19))!, /--mount type=cache\*\*\n\nA persistent cache/);
  assert.match((await hoverText(17, 7))!, /COPY --from=/);
});

test('a variable shows the value in effect and where it comes from', async () => {
  const version = (await hoverText(8, 20))!;
  assert.match(version, /\*\*VERSION\*\* \(ARG on line 5\)/);
  assert.match(version, /Value: `3\.20` \(default of the global ARG on line 3\)/);
  const home = (await hoverText(14, 11))!;
  assert.match(home, /\*\*APP_HOME\*\* \(ENV on line 6\)/, 'ENV carries into a stage built on this one');
  assert.match(home, /Value: `\/app`/);
  assert.match((await hoverText(3, 8))!, /\*\*BASE\*\* \(ARG on line 2\)\n\nValue: `alpine`/);
  assert.match((await hoverText(5, 35))!, /\*\*PATH\*\*: not declared by ARG or ENV here/);
});

test('directives and stage references explain themselves', async () => {
  assert.match((await hoverText(0, 4))!, /# syntax=\*\* \(parser directive\)/);
  assert.match((await hoverText(17, 14))!, /Stage `build`.*line 4/);
  assert.match((await hoverText(13, 6))!, /Stage `build`/);
});

test('nothing to say on plain arguments', async () => {
  assert.equal(await hoverText(10, 2), null);
  assert.equal(await hoverText(12, 0), null);
});
