// Compose files the way an editor sends them: half typed, not YAML at all, very long. Every request
// kind at many positions is answered, nothing is logged as failed, and Dockerfiles open in the same
// server are still linted as Dockerfiles.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openCompose, project, uriOf } from './compose-fixture';
import { LspClient } from './lsp-client';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(() => client.stop());

const KINDS = ['hover', 'completion', 'definition', 'references', 'documentHighlight'] as const;

async function everyRequest(uri: string, text: string, step = 1): Promise<void> {
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line += step) {
    for (const character of [0, Math.floor(lines[line].length / 2), lines[line].length, lines[line].length + 5]) {
      for (const kind of KINDS) {
        const params = { textDocument: { uri }, position: { line, character }, context: { includeDeclaration: true } };
        await client.connection.sendRequest(`textDocument/${kind}`, params);
      }
    }
  }
  for (const kind of ['documentSymbol', 'documentLink', 'foldingRange', 'semanticTokens/full', 'formatting', 'codeAction']) {
    await client.connection.sendRequest(`textDocument/${kind}`, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true }, range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, context: { diagnostics: [] } });
  }
}

const failures = () => client.logs.filter((l) => /failed|uncaught|unhandled/.test(l));

test('half-typed files: every request at every position is answered, none fails', async () => {
  const texts = [
    'services:\n  web:\n    im',
    'services:\n  web:\n    image: \n    depends_on:\n      - \n    ports:\n      - "80:',
    'services:\n  web:\n    build:\n      context: .\n      dockerfile: \n  db:\n    network_mode: service:\n',
    'services:\n  web:\n    depends_on: [db,\n',
    'servi',
    '',
    '-',
    'services:\n  - web\n',
    'services:\n  web: null\n  db: ~\n  x: [1, 2]\n',
    'services:\n  web:\n    environment:\n      A: ${\n      B: ${X:?\n      C: $${Y}\n',
  ];
  const dir = project({});
  for (const [i, text] of texts.entries()) {
    const uri = uriOf(dir, `compose.${i}.yaml`);
    const d = await openCompose(client, uri, text);
    assert.ok(Array.isArray(d.diagnostics));
    await everyRequest(uri, text);
  }
  assert.deepEqual(failures(), []);
});

test('text that is not YAML, or not a mapping: errors, no crash', async () => {
  const dir = project({});
  const cases: [string, RegExp][] = [
    ['services:\n  web:\n   image: [a\n  x: : :\n\t- tab', /YAML/],
    ['just a string', /must be a mapping/],
    ['- a\n- b\n', /must be a mapping/],
    ['a: &x\n  b: *x\nc: *nope\n', /YAML|alias/i],
    ['{{{{', /YAML/],
  ];
  for (const [i, [text, message]] of cases.entries()) {
    const uri = uriOf(dir, `bad${i}.yaml`);
    const d = await openCompose(client, uri, text);
    assert.ok(d.diagnostics.some((x) => message.test(x.message as string)), `${JSON.stringify(text)}: ${JSON.stringify(d.diagnostics)}`);
    await everyRequest(uri, text);
  }
  assert.deepEqual(failures(), []);
});

test('a 2,000-line Compose file: diagnostics, outline and requests answered', async () => {
  const parts = ['services:'];
  for (let i = 0; i < 150; i++) {
    parts.push(
      `  svc${i}:`,
      `    image: "busybox:\${TAG:-1.36}"`,
      `    depends_on: [svc${Math.max(0, i - 1)}]`,
      '    ports:',
      `      - "${10000 + i}:80"`,
      '    networks: [net]',
      '    volumes:',
      '      - data:/data',
      '    healthcheck:',
      '      test: ["CMD", "true"]',
      '      interval: 10s',
      '    environment:',
      `      N: "${i}"`,
    );
  }
  parts.push('networks:', '  net:', 'volumes:', '  data:', '');
  const text = parts.join('\n');
  assert.ok(text.split('\n').length > 1950);
  const dir = project({ 'compose.yaml': text });
  const uri = uriOf(dir, 'compose.yaml');
  const d = await openCompose(client, uri, text);
  // svc0 depends on itself: the only problem, reported by berth-compose's own load.
  assert.equal(d.diagnostics.length, 1, JSON.stringify(d.diagnostics.slice(0, 3)));
  assert.ok(d.diagnostics[0].code === 'berth-compose' && /cycle/.test(d.diagnostics[0].message as string), JSON.stringify(d.diagnostics[0]));
  const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as { children?: unknown[] }[];
  assert.equal(symbols[0].children?.length, 150);
  await everyRequest(uri, text, 97);
  const edited = await client.change(uri, [{ range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } }, text: 'box' }]);
  assert.ok(edited.diagnostics.some((x) => x.code === 'undefined-service'), 'svc1 now depends on a service that is gone');
  assert.deepEqual(failures(), []);
});

test('a Dockerfile and a Compose file in the same server: each gets its own language', async () => {
  const dir = project({});
  const df = await client.open(uriOf(dir, 'Dockerfile'), 'FROM ubuntu\nMAINTAINER me\n');
  assert.ok(df.diagnostics.some((x) => x.code === 'DL4000'), JSON.stringify(df.diagnostics));
  const cf = await openCompose(client, uriOf(dir, 'compose.yaml'), 'FROM ubuntu\n');
  assert.ok(cf.diagnostics.every((x) => x.source === 'berth-compose'));
  assert.ok(cf.diagnostics.some((x) => /must be a mapping/.test(x.message as string)));
});
