// The server keeps serving whatever a client sends: a request whose handler throws is answered
// (with an empty result) and logged, unknown methods get an error, and the next request works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LspClient } from './lsp-client';

let client: LspClient;
const uri = 'file:///robust/Dockerfile';

before(async () => {
  client = await LspClient.start();
  await client.open(uri, 'FROM alpine:3.20\nRUN echo hi\n');
});
after(() => client.stop());

test('initialize advertises every feature', () => {
  const caps = client.initializeResult!.capabilities;
  for (const key of [
    'hoverProvider', 'completionProvider', 'signatureHelpProvider', 'definitionProvider', 'referencesProvider', 'documentHighlightProvider',
    'documentSymbolProvider', 'codeActionProvider', 'documentFormattingProvider', 'documentRangeFormattingProvider',
    'documentOnTypeFormattingProvider', 'renameProvider', 'documentLinkProvider', 'foldingRangeProvider', 'semanticTokensProvider',
  ] as const) {
    assert.ok(caps[key], `${key} is advertised`);
  }
  assert.deepEqual(caps.semanticTokensProvider && 'full' in caps.semanticTokensProvider && caps.semanticTokensProvider.full, { delta: true });
});

test('a request whose handler throws is answered empty, logged, and the server keeps serving', async () => {
  const logsBefore = client.logs.length;
  // textDocument null: the handler dereferences it and throws.
  const r = await client.connection.sendRequest('textDocument/hover', { textDocument: null, position: null });
  assert.equal(r, null);
  const symbols = await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: null });
  assert.deepEqual(symbols, []);
  const failures = client.logs.slice(logsBefore).filter((l) => l.includes('failed'));
  assert.equal(failures.length, 2, 'both failures are logged');
  assert.match(failures[0], /hover failed/);
  const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
  assert.ok(hover, 'the next request is answered normally');
});

test('bad positions and unknown documents get empty answers', async () => {
  for (const position of [{ line: 999, character: 0 }, { line: 0, character: 999 }, { line: -1, character: -5 }]) {
    assert.equal(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position }), null);
    assert.ok(Array.isArray(await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position })));
  }
  assert.equal(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///not/open' }, position: { line: 0, character: 0 } }), null);
});

test('an unknown method is an error response, not a crash', async () => {
  await assert.rejects(client.connection.sendRequest('berth/noSuchMethod', {}), /Unhandled method|not found/i);
  const symbols = await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  assert.ok(Array.isArray(symbols) && symbols.length > 0);
});

test('bad berth/imageNames payloads are refused with a message naming the problem', async () => {
  const logsBefore = client.logs.length;
  await client.connection.sendNotification('berth/imageNames', { names: 'ubuntu' });
  await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  assert.ok(client.logs.slice(logsBefore).some((l) => /berth\/imageNames needs \{names: string\[\]\}/.test(l)));
});

test('a client that never answers workspace/configuration still gets diagnostics (with default settings)', async () => {
  const mute = await LspClient.start({ answerConfiguration: false });
  try {
    const published = await mute.open('file:///robust/mute/Dockerfile', 'FROM ubuntu\nMAINTAINER me\n');
    assert.ok(published.diagnostics.some((d) => d.code === 'DL4000'));
    assert.ok(mute.logs.some((l) => /did not answer workspace\/configuration/.test(l)));
  } finally {
    await mute.stop();
  }
});
