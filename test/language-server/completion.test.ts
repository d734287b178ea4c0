import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver-protocol';
import { at, openDoc } from './fixture';
import { LspClient } from './lsp-client';

let client: LspClient;

before(async () => {
  client = await LspClient.start();
  await client.connection.sendNotification('berth/imageNames', { names: ['ubuntu:22.04', 'ubuntu:24.04', 'localhost:5000/team/app:dev', 'alpine:3.20'] });
});
after(() => client.stop());

/** Completion at the end of the last line of `text` (or at `|`). */
async function complete(text: string): Promise<CompletionItem[]> {
  const cursor = text.indexOf('|');
  const clean = cursor >= 0 ? text.slice(0, cursor) + text.slice(cursor + 1) : text;
  const before = cursor >= 0 ? text.slice(0, cursor) : text;
  const lines = before.split('\n');
  const uri = await openDoc(client, clean);
  const r: CompletionItem[] | CompletionList | null = await client.connection.sendRequest('textDocument/completion', at(uri, lines.length - 1, lines[lines.length - 1].length));
  return Array.isArray(r) ? r : (r?.items ?? []);
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

test('instructions with snippets at the start of a line', async () => {
  const items = await complete('FROM alpine\nRU');
  const run = items.find((i) => i.label === 'RUN')!;
  assert.ok(run, 'RUN is offered');
  assert.equal(run.insertTextFormat, 2, 'as a snippet');
  assert.equal((run.textEdit as TextEdit).newText, 'RUN ${1:command}');
  assert.deepEqual((run.textEdit as TextEdit).range, { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } });
  assert.ok(labels(items).includes('HEALTHCHECK') && labels(items).includes('COPY'));
  const onbuild = labels(await complete('FROM alpine\nONBUILD '));
  assert.ok(onbuild.includes('RUN') && !onbuild.includes('ONBUILD') && !onbuild.includes('FROM'));
});

test('parser directives at the top, with their values', async () => {
  assert.deepEqual(labels(await complete('# ')).slice(0, 3), ['syntax=', 'escape=', 'check=']);
  assert.deepEqual(labels(await complete('# escape=')), ['\\', '`']);
  assert.ok(labels(await complete('# check=')).includes('skip='));
  assert.ok(labels(await complete('# check=skip=')).includes('all'));
  assert.ok(!labels(await complete('FROM alpine\n# ')).includes('syntax='), 'no directives after the first instruction');
});

test('flags per instruction, and values per flag', async () => {
  assert.deepEqual(labels(await complete('FROM alpine\nCOPY --')).sort(), ['--chmod=', '--chown=', '--exclude=', '--from=', '--link', '--parents'].sort());
  assert.deepEqual(labels(await complete('FROM alpine\nRUN --')).sort(), ['--mount=', '--network=', '--security='].sort());
  assert.deepEqual(labels(await complete('FROM alpine\nRUN --network=')), ['default', 'none', 'host']);
  assert.deepEqual(labels(await complete('FROM alpine\nRUN --security=')), ['sandbox', 'insecure']);
  assert.deepEqual(labels(await complete('FROM alpine\nRUN --mount=type=')), ['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
  const cache = labels(await complete('FROM alpine\nRUN --mount=type=cache,'));
  assert.ok(cache.includes('target=') && cache.includes('sharing=') && cache.includes('id=') && !cache.includes('type='));
  assert.deepEqual(labels(await complete('FROM alpine\nRUN --mount=type=cache,sharing=')), ['shared', 'private', 'locked']);
  const secret = labels(await complete('FROM alpine\nRUN --mount=type=secret,'));
  assert.ok(secret.includes('env=') && secret.includes('required='));
  assert.ok(labels(await complete('FROM alpine\nHEALTHCHECK --')).includes('--start-interval='));
  assert.ok(labels(await complete('FROM alpine\nADD --')).includes('--checksum='));
  assert.deepEqual(labels(await complete('FROM --platform=')).slice(0, 2), ['$BUILDPLATFORM', '$TARGETPLATFORM']);
});

test('flags already given are not offered again, unless they repeat', async () => {
  const copy = labels(await complete('FROM a AS b\nFROM c\nCOPY --from=b --'));
  assert.ok(!copy.includes('--from=') && copy.includes('--chown='));
  assert.ok(labels(await complete('FROM a\nRUN --mount=type=cache,target=/x --')).includes('--mount='));
  assert.ok(labels(await complete('FROM a\nCOPY --fro')).includes('--from='), 'the flag being typed is still offered');
});

test('stage names after --from and mount from=', async () => {
  const text = 'FROM alpine AS build\nFROM alpine AS test\nFROM ubuntu\nCOPY --from=';
  const items = await complete(text);
  assert.deepEqual(labels(items).slice(0, 2), ['build', 'test']);
  const edit = items[0].textEdit as TextEdit;
  assert.deepEqual(edit.range.start, { line: 3, character: 12 });
  assert.deepEqual(labels(await complete('FROM alpine AS build\nFROM ubuntu\nRUN --mount=from=')), ['build']);
});

test('variables in scope after $ and ${', async () => {
  const text = 'ARG G=1\nFROM alpine AS a\nARG V=2\nENV E=3\nRUN echo ${';
  const items = await complete(text);
  assert.deepEqual(labels(items).sort(), ['E', 'V']);
  assert.equal((items[0].textEdit as TextEdit).newText.endsWith('}'), true);
  const from = labels(await complete('ARG G=1\nFROM alpine:$'));
  assert.ok(from.includes('G') && from.includes('TARGETPLATFORM'), 'FROM sees global ARGs and the predefined ones');
});

test('images and tags from the engine in FROM', async () => {
  const names = labels(await complete('FROM '));
  assert.ok(names.includes('ubuntu:22.04') && names.includes('scratch'));
  assert.deepEqual(labels(await complete('FROM ubuntu:')).sort(), ['22.04', '24.04']);
  assert.deepEqual(labels(await complete('FROM localhost:5000/team/app:')), ['dev']);
  assert.deepEqual(labels(await complete('FROM alpine AS b\nFROM ')).slice(0, 1), ['b']);
  assert.deepEqual(labels(await complete('FROM alpine ')), ['AS']);
});

test('HEALTHCHECK offers CMD and NONE', async () => {
  assert.deepEqual(labels(await complete('FROM alpine\nHEALTHCHECK ')).filter((l) => !l.startsWith('--')), ['CMD', 'NONE']);
});
