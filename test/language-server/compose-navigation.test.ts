// Hover, outline, definition, references, highlights, links and folding in Compose files, over the
// real server.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { DocumentLink, DocumentSymbol, FoldingRange, Hover, Location, MarkupContent } from 'vscode-languageserver-protocol';
import { openCompose, posOf, project, textAt, uriOf } from './compose-fixture';
import { LspClient } from './lsp-client';

const TEXT = [
  'services:', // 0
  '  web:', // 1
  '    build:', // 2
  '      context: ./app', // 3
  '      dockerfile: web.Dockerfile', // 4
  '    env_file: [web.env]', // 5
  '    depends_on:', // 6
  '      db:', // 7
  '        condition: service_healthy', // 8
  '    links: ["db:database"]', // 9
  '    networks: [back]', // 10
  '    volumes:', // 11
  '      - data:/var/lib/data', // 12
  '  db:', // 13
  '    image: postgres:16', // 14
  '    networks:', // 15
  '      - back', // 16
  '    volumes:', // 17
  '      - type: volume', // 18
  '        source: data', // 19
  '        target: /d', // 20
  '  worker:', // 21
  '    build: ./worker', // 22
  '    network_mode: service:db', // 23
  'networks:', // 24
  '  back:', // 25
  'volumes:', // 26
  '  data:', // 27
  '',
].join('\n');

let client: LspClient;
let dir: string;
let uri: string;
before(async () => {
  client = await LspClient.start();
  dir = project({
    'compose.yaml': TEXT,
    'app/web.Dockerfile': 'FROM alpine\n',
    'web.env': 'A=1\n',
    'worker/Dockerfile': 'FROM alpine\n',
    'compose.override.yaml': 'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: x\n',
  });
  uri = uriOf(dir, 'compose.yaml');
  await openCompose(client, uri, TEXT);
});
after(() => client.stop());

const req = <T>(method: string, params: object) => client.connection.sendRequest(method, params) as Promise<T>;
const at = (needle: string, offset = 0, n = 0) => ({ textDocument: { uri }, position: posOf(TEXT, needle, offset, n) });

test('hover: a key\'s documentation from the schema; a service, where it is named, shows what it runs', async () => {
  const h = await req<Hover>('textDocument/hover', at('depends_on', 2));
  assert.match((h.contents as MarkupContent).value, /^\*\*depends_on\*\*\n\nExpress dependency between services/);
  assert.equal(textAt(TEXT, h.range!), 'depends_on');
  const cond = await req<Hover>('textDocument/hover', at('condition', 1));
  assert.match((cond.contents as MarkupContent).value, /Condition to wait for/);
  const db = await req<Hover>('textDocument/hover', at('      db:', 7));
  assert.match((db.contents as MarkupContent).value, /\*\*service db\*\*\n\nimage: `postgres:16`/);
  const web = await req<Hover>('textDocument/hover', at('  web:', 3));
  assert.match((web.contents as MarkupContent).value, /build: `\.\/app` \(Dockerfile `web\.Dockerfile`\)/);
  assert.equal(await req('textDocument/hover', at('postgres:16', 12)), null);
});

test('outline: services, networks and volumes, each entry with its keys', async () => {
  const symbols = await req<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbols.map((s) => s.name), ['services', 'networks', 'volumes']);
  assert.deepEqual(symbols[0].children!.map((s) => s.name), ['web', 'db', 'worker']);
  assert.deepEqual(symbols[0].children![1].children!.map((s) => s.name), ['image', 'networks', 'volumes']);
  const web = symbols[0].children![0];
  assert.equal(textAt(TEXT, web.selectionRange), 'web');
  assert.deepEqual([web.range.start.line, web.range.end.line], [1, 12]);
});

test('definition of a service from depends_on, links, network_mode; of a network and a volume', async () => {
  const def = async (needle: string, offset = 0, n = 0) => {
    const l = await req<Location | null>('textDocument/definition', at(needle, offset, n));
    assert.ok(l, needle);
    return [l.uri === uri, textAt(TEXT, l.range), l.range.start.line];
  };
  assert.deepEqual(await def('      db:', 7), [true, 'db', 13]);
  assert.deepEqual(await def('"db:database"', 1), [true, 'db', 13]);
  assert.deepEqual(await def('service:db', 9), [true, 'db', 13]);
  assert.deepEqual(await def('[back]', 2), [true, 'back', 25]);
  assert.deepEqual(await def('- data:', 3), [true, 'data', 27]);
  assert.deepEqual(await def('source: data', 9), [true, 'data', 27]);
  assert.equal(await req('textDocument/definition', at('postgres', 1)), null);
});

test('references of a service across the project\'s files; highlights in the file', async () => {
  const refs = await req<Location[]>('textDocument/references', { ...at('  db:', 3), context: { includeDeclaration: true } });
  const here = refs.filter((r) => r.uri === uri).map((r) => `${r.range.start.line}:${textAt(TEXT, r.range)}`);
  assert.deepEqual(here.sort(), ['13:db', '23:db', '7:db', '9:db'].sort());
  // compose.override.yaml defines db too: it is part of the project.
  assert.ok(refs.some((r) => r.uri === uriOf(dir, 'compose.override.yaml')), JSON.stringify(refs));
  const noDecl = await req<Location[]>('textDocument/references', { ...at('  db:', 3), context: { includeDeclaration: false } });
  assert.equal(noDecl.length, 3);
  const vol = await req<Location[]>('textDocument/references', { ...at('  data:', 3), context: { includeDeclaration: false } });
  assert.deepEqual(vol.map((r) => r.range.start.line).sort(), [12, 19]);
  const hl = await req<{ range: { start: { line: number } }; kind: number }[]>('textDocument/documentHighlight', at('[back]', 2));
  assert.deepEqual(hl.map((h) => h.range.start.line).sort((a, b) => a - b), [10, 16, 25]);
});

test('links: the build\'s Dockerfile (explicit and by context) and env_file', async () => {
  const links = await req<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
  const byText = Object.fromEntries(links.map((l) => [textAt(TEXT, l.range), l.target]));
  assert.equal(byText['web.Dockerfile'], pathToFileURL(path.join(dir, 'app', 'web.Dockerfile')).href);
  assert.equal(byText['./worker'], pathToFileURL(path.join(dir, 'worker', 'Dockerfile')).href);
  assert.equal(byText['web.env'], pathToFileURL(path.join(dir, 'web.env')).href);
  assert.equal(links.length, 3, JSON.stringify(links));
});

test('folding: each block that spans lines', async () => {
  const ranges = await req<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
  const has = (s: number, e: number) => ranges.some((r) => r.startLine === s && r.endLine === e);
  assert.ok(has(0, 23), JSON.stringify(ranges));
  assert.ok(has(1, 12));
  assert.ok(has(18, 20));
});
