import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SignatureHelp } from 'vscode-languageserver-protocol';
import { at, openDoc } from './fixture';
import { LspClient } from './lsp-client';

let client: LspClient;
before(async () => { client = await LspClient.start(); });
after(() => client.stop());

/** Signature help at `|`; returns the active signature's label and the active parameter's text. */
async function help(text: string): Promise<{ label: string; param: string; count: number } | null> {
  const cursor = text.indexOf('|');
  const lines = text.slice(0, cursor).split('\n');
  const uri = await openDoc(client, text.slice(0, cursor) + text.slice(cursor + 1));
  const h: SignatureHelp | null = await client.connection.sendRequest('textDocument/signatureHelp', at(uri, lines.length - 1, lines[lines.length - 1].length));
  if (!h) return null;
  const sig = h.signatures[h.activeSignature ?? 0];
  const p = sig.parameters![h.activeParameter ?? 0].label;
  return { label: sig.label, param: typeof p === 'string' ? p : sig.label.slice(p[0], p[1]), count: h.signatures.length };
}

test('HEALTHCHECK: the flag under the cursor, then CMD', async () => {
  const flag = (await help('FROM a\nHEALTHCHECK --interval=3|0s CMD true'))!;
  assert.match(flag.label, /^HEALTHCHECK \[--interval/);
  assert.equal(flag.param, '--interval=<duration>');
  assert.equal((await help('FROM a\nHEALTHCHECK --timeout=3s CMD tr|ue'))!.param, 'CMD <command>');
  assert.equal((await help('FROM a\nHEALTHCHECK NO|NE'))!.label, 'HEALTHCHECK NONE');
});

test('COPY and ADD: sources, then the destination', async () => {
  assert.equal((await help('FROM a\nCOPY sr|c dest'))!.param, '<src>...');
  assert.equal((await help('FROM a\nCOPY a b de|st'))!.param, '<dest>');
  assert.equal((await help('FROM a\nCOPY --chown=1:1| a b'))!.param, '--chown=<user>:<group>');
  const json = (await help('FROM a\nADD ["a", "|b"]'))!;
  assert.match(json.label, /^ADD .*\["<src>"/);
  assert.equal(json.param, '"<dest>"');
});

test('FROM: the image, then AS <name>', async () => {
  assert.equal((await help('FROM alpi|ne AS b'))!.param, '<image>[:<tag>|@<digest>]');
  assert.equal((await help('FROM alpine AS |b'))!.param, 'AS <name>');
  assert.equal((await help('FROM --platform=linux/a|md64 alpine'))!.param, '--platform=<platform>');
});

test('CMD picks the exec or the shell form from what is written', async () => {
  const exec = (await help('FROM a\nCMD ["run", "|"]'))!;
  assert.match(exec.label, /^CMD \["<executable>"/);
  assert.equal(exec.count, 3);
  assert.equal((await help('FROM a\nCMD run |'))!.label, 'CMD <command>');
});

test('no signature on the keyword itself or outside instructions', async () => {
  assert.equal(await help('FROM a\nRU|N x'), null);
  assert.equal(await help('FROM a\n\n|'), null);
});
