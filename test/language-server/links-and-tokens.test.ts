// Document links for images, and semantic tokens (full, range, delta).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DocumentLink, SemanticTokens, SemanticTokensDelta, SemanticTokensLegend } from 'vscode-languageserver-protocol';
import { openDoc, SAMPLE } from './fixture';
import { LspClient } from './lsp-client';

let client: LspClient;
before(async () => { client = await LspClient.start(); });
after(() => client.stop());

test('links: Docker Hub pages for Docker Hub images, nothing for stages, variables or other registries', async () => {
  const text = [
    'FROM ubuntu:22.04 AS base',
    'FROM bitnami/redis@sha256:abc',
    'FROM docker.io/library/node:20',
    'FROM ghcr.io/owner/app:1',
    'FROM base',
    'FROM ${IMG}',
    'COPY --from=nginx:1.27 /etc/nginx /etc/nginx',
    'COPY --from=base /a /a',
    'RUN --mount=from=golang:1.22,target=/go ls',
  ].join('\n');
  const uri = await openDoc(client, text);
  const links: DocumentLink[] = await client.connection.sendRequest('textDocument/documentLink', { textDocument: { uri } });
  assert.deepEqual(links.map((l) => `${l.range.start.line}:${l.range.start.character}-${l.range.end.character} ${l.target}`), [
    '0:5-11 https://hub.docker.com/_/ubuntu',
    '1:5-18 https://hub.docker.com/r/bitnami/redis',
    '2:5-27 https://hub.docker.com/_/node',
    '6:12-17 https://hub.docker.com/_/nginx',
    '8:17-23 https://hub.docker.com/_/golang',
  ]);
});

function decode(data: number[], legend: SemanticTokensLegend, lines: string[]): string[] {
  const out: string[] = [];
  let line = 0;
  let ch = 0;
  for (let i = 0; i < data.length; i += 5) {
    if (data[i] > 0) ch = 0;
    line += data[i];
    ch += data[i + 1];
    const mods = legend.tokenModifiers.filter((_, b) => data[i + 4] & (1 << b));
    out.push(`${line}:${lines[line].slice(ch, ch + data[i + 2])}=${legend.tokenTypes[data[i + 3]]}${mods.length ? `.${mods.join('.')}` : ''}`);
  }
  return out;
}

test('semantic tokens: full, range and delta agree with each other', async () => {
  const legend = (client.initializeResult!.capabilities.semanticTokensProvider as { legend: SemanticTokensLegend }).legend;
  const uri = await openDoc(client, SAMPLE);
  const lines = SAMPLE.split('\n');
  const full: SemanticTokens = await client.connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } });
  const tokens = decode(full.data, legend, lines);
  for (const expected of ['0:syntax=macro', '0:docker/dockerfile:1=string', '1:ARG=keyword', '1:BASE=variable.declaration', '3:${BASE}=variable',
    '3:AS=keyword', '3:build=namespace.declaration', '7:--mount=parameter', '7:type=property', '7:cache=string', '9:<<EOF=operator', '11:EOF=operator',
    '13:build=class', '16:ubuntu:22.04=class', '17:build=namespace', '18:test=namespace']) {
    assert.ok(tokens.includes(expected), `${expected} in ${tokens.join(' ')}`);
  }
  assert.ok(!tokens.some((t) => t.startsWith('10:')), 'heredoc bodies are left alone');

  const range: SemanticTokens = await client.connection.sendRequest('textDocument/semanticTokens/range', { textDocument: { uri }, range: { start: { line: 13, character: 0 }, end: { line: 14, character: 0 } } });
  assert.deepEqual(decode(range.data, legend, lines), tokens.filter((t) => /^1[34]:/.test(t)));

  const edited = SAMPLE.replace('RUN echo $APP_HOME', 'RUN echo $APP_HOME $VERSION');
  await client.change(uri, [{ text: edited }]);
  const delta: SemanticTokensDelta = await client.connection.sendRequest('textDocument/semanticTokens/full/delta', { textDocument: { uri }, previousResultId: full.resultId });
  assert.ok('edits' in delta && delta.edits.length === 1, 'one edit for one change');
  const patched = [...full.data];
  for (const e of [...delta.edits].reverse()) patched.splice(e.start, e.deleteCount, ...(e.data ?? []));
  const now: SemanticTokens = await client.connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } });
  assert.deepEqual(patched, now.data, 'applying the delta gives the full result');
  const stale: SemanticTokens = await client.connection.sendRequest('textDocument/semanticTokens/full/delta', { textDocument: { uri }, previousResultId: 'nope' });
  assert.deepEqual(stale.data, now.data, 'an unknown previous result gets a full answer');
});
