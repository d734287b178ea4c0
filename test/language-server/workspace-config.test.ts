// .hadolint.yaml in the workspace is honoured and re-read when it changes; ShellCheck findings
// are merged into the diagnostics at their exact place; a missing ShellCheck is reported once.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { hasExecutable, requireOrSkip } from '../helpers/prereqs';
import { codes, LspClient } from './lsp-client';

let client: LspClient;
let ws: string;
before(async () => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ls-ws-'));
  fs.mkdirSync(path.join(ws, 'svc'));
  client = await LspClient.start({ workspaceFolder: ws, settings: { rules: {}, shellcheck: { enable: false } } });
});
after(async () => {
  await client.stop();
  fs.rmSync(ws, { recursive: true, force: true });
});

const TEXT = 'FROM ubuntu\nMAINTAINER me\n';

test('.hadolint.yaml ignored/override apply, and a change is picked up', async () => {
  const cfg = path.join(ws, '.hadolint.yaml');
  fs.writeFileSync(cfg, 'ignored: [DL3006]\noverride:\n  warning: [DL4000]\n');
  const uri = `file://${path.join(ws, 'svc', 'Dockerfile')}`;
  const first = await client.open(uri, TEXT);
  assert.ok(!codes(first.diagnostics).includes('DL3006'), 'ignored in the config of a parent folder');
  assert.equal(first.diagnostics.find((d) => d.code === 'DL4000')?.severity, 2, 'overridden to warning');

  fs.writeFileSync(cfg, 'ignored: []\n');
  const next = client.nextDiagnostics(uri, 1, (p) => codes(p.diagnostics).includes('DL3006'));
  await client.filesChanged([{ uri: `file://${cfg}`, type: 2 }]);
  const second = await next;
  assert.equal(second.diagnostics.find((d) => d.code === 'DL4000')?.severity, 1, 'back to its default (error)');
  await client.close(uri);
});

test('a broken .hadolint.yaml is reported with its file name', async () => {
  const cfg = path.join(ws, 'svc', '.hadolint.yml');
  fs.writeFileSync(cfg, 'ignored: DL3006\nfailure-threshold: loud\n');
  const uri = `file://${path.join(ws, 'svc', 'Dockerfile.broken')}`;
  await client.filesChanged([{ uri: `file://${cfg}`, type: 1 }]);
  await client.open(uri, TEXT);
  await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  const said = [...client.logs, ...client.shown].filter((m) => m.includes('.hadolint.yml'));
  assert.ok(said.length > 0, 'the problem names the file');
  assert.ok(said.some((m) => /failure-threshold/.test(m)), said.join('\n'));
  fs.rmSync(cfg);
  await client.filesChanged([{ uri: `file://${cfg}`, type: 3 }]);
  await client.close(uri);
});

test('ShellCheck findings are merged in, placed inside the RUN', async (t) => {
  if (!requireOrSkip(t, hasExecutable('/usr/bin/shellcheck') || hasExecutable('/usr/local/bin/shellcheck'), 'shellcheck')) return;
  await client.changeSettings({ rules: {}, shellcheck: { enable: true, path: 'shellcheck' } });
  const uri = `file://${path.join(ws, 'Dockerfile.sc')}`;
  const text = 'FROM alpine:3.20\nRUN apk add --no-cache curl && \\\n    echo $UNSET_THING\n';
  const withSc = client.nextDiagnostics(uri, 1, (p) => p.diagnostics.some((d) => d.source === 'shellcheck'));
  await client.open(uri, text);
  const { diagnostics } = await withSc;
  const sc = diagnostics.filter((d) => d.source === 'shellcheck');
  assert.ok(sc.length > 0);
  const d = sc.find((x) => x.range.start.line === 2)!;
  assert.ok(d, `a finding on line 3: ${JSON.stringify(sc)}`);
  assert.equal(d.range.start.character, 9, 'at $UNSET_THING');
  assert.match(String(d.code), /^SC\d+$/);
  assert.match(d.codeDescription!.href, /^https:\/\/www\.shellcheck\.net\/wiki\/SC\d+$/);
  assert.ok(diagnostics.some((x) => x.source === 'berth'), 'merged with the linter findings');
  await client.close(uri);
});

test('a ShellCheck that cannot run is reported once, naming the setting', async () => {
  await client.changeSettings({ rules: {}, shellcheck: { enable: true, path: '/nonexistent/shellcheck' } });
  const before = client.shown.length;
  const told = client.nextShown((m) => m.includes('/nonexistent/shellcheck'));
  const uri = `file://${path.join(ws, 'Dockerfile.a')}`;
  await client.open(uri, 'FROM alpine:3.20\nRUN echo $X\n');
  assert.match(await told, /berth\.dockerfile\.shellcheck\.path/);
  // A second document and an edit: ShellCheck fails again, the user is not told again.
  const other = `file://${path.join(ws, 'Dockerfile.b')}`;
  await client.open(other, 'FROM alpine:3.20\nRUN echo $Y\n');
  await client.change(other, [{ text: 'FROM alpine:3.20\nRUN echo $Z\n' }]);
  await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: other } });
  assert.equal(client.shown.slice(before).filter((m) => m.includes('/nonexistent/shellcheck')).length, 1);
  await client.changeSettings({ rules: {}, shellcheck: { enable: false } });
});
