import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { openDoc } from './fixture';
import { LspClient } from './lsp-client';

let client: LspClient;
before(async () => { client = await LspClient.start(); });
after(() => client.stop());

const options = { tabSize: 4, insertSpaces: true };

async function format(text: string, method = 'textDocument/formatting', extra: Record<string, unknown> = {}): Promise<string> {
  const uri = await openDoc(client, text);
  const edits: TextEdit[] = await client.connection.sendRequest(method, { textDocument: { uri }, options, ...extra });
  return TextDocument.applyEdits(TextDocument.create(uri, 'dockerfile', 1, text), edits);
}

test('keywords upper-cased, leading and trailing whitespace removed', async () => {
  const text = 'from alpine as build  \n  run echo hi\t\nhealthcheck none\nonbuild run x\n   \n';
  assert.equal(await format(text), 'FROM alpine AS build\nRUN echo hi\nHEALTHCHECK NONE\nONBUILD RUN x\n\n');
});

test('continuation lines are indented one level (tabs when asked)', async () => {
  const text = 'FROM a\nRUN apt-get update && \\\napt-get install -y curl \\\n        && rm -rf /var/lib/apt/lists/*\n';
  assert.equal(await format(text), 'FROM a\nRUN apt-get update && \\\n    apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n');
  const uri = await openDoc(client, text);
  const edits: TextEdit[] = await client.connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: false } });
  assert.ok(edits.some((e) => e.newText === '\t'));
});

test('never changes heredoc bodies, quoted continuations or words joined across lines', async () => {
  const heredoc = 'FROM a\nRUN <<EOF\n  echo keep   \n\tindented\nEOF\nCOPY <<-X /f\n\tx  \n\tX\n';
  assert.equal(await format(heredoc), heredoc);
  const quoted = 'FROM a\nRUN echo "one \\\ntwo"\n';
  assert.equal(await format(quoted), quoted, 'the line break is inside a string: indentation would change it');
  const joined = 'FROM a\nRUN apt-get install foo\\\nbar\n';
  assert.equal(await format(joined), joined, 'foo\\ + bar is the word foobar');
  const escaped = '# escape=`\nFROM a\nRUN echo a `\nb\n';
  assert.equal(await format(escaped), '# escape=`\nFROM a\nRUN echo a `\n    b\n', 'the escape directive is honoured');
});

test('range formatting touches only the lines in range', async () => {
  const text = 'from a  \nrun x  \nrun y  \n';
  const out = await format(text, 'textDocument/rangeFormatting', { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } } });
  assert.equal(out, 'from a  \nRUN x\nrun y  \n');
});

test('on type: Enter after a continuation indents the new line and tidies the one left', async () => {
  const text = 'FROM a\nrun apt-get update && \\   \n\n';
  const out = await format(text, 'textDocument/onTypeFormatting', { position: { line: 2, character: 0 }, ch: '\n' });
  assert.equal(out, 'FROM a\nRUN apt-get update && \\\n    \n');
});

test('formatting twice changes nothing the second time', async () => {
  const text = 'from alpine as b\nrun a && \\\n  b && \\\n      c  \nenv A=1  \n';
  const once = await format(text);
  assert.equal(await format(once), once);
});

test('lines that only continue, escaped blanks and non-ASCII blanks keep their meaning', async () => {
  const glued = 'FROM a\nRUN apk add freet\\\n\\\nype-dev\n';
  assert.equal(await format(glued), glued, 'a line of just "\\" joins its neighbours: not indented');
  const escapedBlank = 'FROM a\nRUN echo a\\ \\\nb\n';
  assert.equal(await format(escapedBlank), escapedBlank, '"\\ " is part of the word');
  const bom = 'FROM a\n\ufeffrun x\n';
  assert.equal(await format(bom), bom, 'U+FEFF is not whitespace to the parser');
  const comment = 'FROM a\nRUN a \\\n# note\nb\n';
  assert.equal(await format(comment), 'FROM a\nRUN a \\\n    # note\n    b\n', 'comment lines inside an instruction are indented and skipped over');
});
