// Compose files in the language server: every problem of the open file at the exact key or value, over
// the real server and stdio.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol';
import { openCompose, project, textAt, uriOf } from './compose-fixture';
import { LspClient } from './lsp-client';

let client: LspClient;
before(async () => {
  client = await LspClient.start({ env: { BERTH_TEST_SET: 'yes' } });
});
after(() => client.stop());

function find(list: readonly Diagnostic[], code: string, text: string, covered: string): Diagnostic {
  const d = list.find((x) => x.code === code && textAt(text, x.range) === covered);
  assert.ok(d, `a ${code} diagnostic on ${JSON.stringify(covered)} in ${JSON.stringify(list.map((x) => [x.code, textAt(text, x.range), x.message]))}`);
  return d;
}

test('every problem of the file, each at the key or value at fault', async () => {
  const text = [
    'services:',
    '  web:',
    '    build:',
    '      context: ./app',
    '      dockerfile: Dockerfile.missing',
    '    ports:',
    '      - "80:x"',
    '      - 8080:80',
    '    depends_on:',
    '      - db',
    '      - cache',
    '    links: ["ghost:alias"]',
    '    networks: [front, back]',
    '    volumes:',
    '      - data:/data',
    '      - logs:/logs',
    '      - ./src:/src',
    '    healthcheck:',
    '      interval: 10parsecs',
    '    stop_grace_period: 1m30s',
    '    environment:',
    '      A: ${BAD',
    '      B: ${BERTH_TEST_SET}',
    '    cgroup_parnt: x',
    '    env_file: missing.env',
    '  db:',
    '    image: postgres',
    '    extends: nothere',
    '    network_mode: service:nope',
    '    deploy:',
    '      restart_policy:',
    '        condition: any',
    '        delay: soon',
    '  "bad name":',
    '    image: x',
    'networks:',
    '  front:',
    'volumes:',
    '  data:',
    '',
  ].join('\n');
  const dir = project({ 'compose.yaml': text, 'app/Dockerfile': 'FROM alpine\n' });
  const { diagnostics } = await openCompose(client, uriOf(dir, 'compose.yaml'), text);
  find(diagnostics, 'build-dockerfile', text, 'Dockerfile.missing');
  find(diagnostics, 'port', text, '"80:x"');
  find(diagnostics, 'undefined-service', text, 'cache');
  find(diagnostics, 'undefined-service', text, 'ghost');
  find(diagnostics, 'undefined-service', text, 'nothere');
  find(diagnostics, 'undefined-service', text, 'nope');
  find(diagnostics, 'undefined-network', text, 'back');
  find(diagnostics, 'undefined-volume', text, 'logs');
  find(diagnostics, 'duration', text, '10parsecs');
  find(diagnostics, 'duration', text, 'soon');
  find(diagnostics, 'interpolation', text, '${BAD');
  find(diagnostics, 'schema', text, 'cgroup_parnt');
  find(diagnostics, 'schema', text, '"bad name"');
  find(diagnostics, 'env-file', text, 'missing.env');
  for (const d of diagnostics) assert.equal(d.source, 'berth-compose');
  assert.ok(diagnostics.filter((d) => d.code !== 'unset-variable').every((d) => d.severity === DiagnosticSeverity.Error), JSON.stringify(diagnostics));
  // Defined names, paths, a good duration and a set variable are fine.
  for (const fine of ['db', 'front', 'data', './src', '1m30s', '${BERTH_TEST_SET}', '8080:80']) {
    assert.ok(!diagnostics.some((d) => textAt(text, d.range) === fine || textAt(text, d.range).startsWith(`${fine}:`)), `${fine} is not flagged`);
  }
});

test('schema errors: wrong types, enums, missing keys, one message for a value of no allowed type', async () => {
  const text = [
    'services:',
    '  web:',
    '    image: 5',
    '    depends_on:',
    '      db:',
    '        condition: service_ready',
    '    extends:',
    '      file: other.yaml',
    '    build: [a, b]',
    '  db:',
    '    image: postgres',
    '',
  ].join('\n');
  const dir = project({ 'compose.yaml': text });
  const { diagnostics } = await openCompose(client, uriOf(dir, 'compose.yaml'), text);
  const schema = diagnostics.filter((d) => d.code === 'schema');
  assert.match(find(schema, 'schema', text, 'service_ready').message as string, /must be one of "service_started", "service_healthy", "service_completed_successfully"/);
  assert.match(find(schema, 'schema', text, 'extends').message as string, /missing required key "service"/);
  assert.match(find(schema, 'schema', text, '[a, b]').message as string, /must be string or object/);
  // The image is a number: YAML's 5; the schema wants a string.
  assert.match(find(schema, 'schema', text, '5').message as string, /must be string/);
  assert.equal(schema.length, 4, JSON.stringify(schema.map((d) => d.message)));
});

test('a YAML syntax error is reported where it is, and the rest still parses', async () => {
  const text = 'services:\n  web:\n    image: [nginx\n  db:\n    image: postgres\n';
  const dir = project({ 'compose.yaml': text });
  const { diagnostics } = await openCompose(client, uriOf(dir, 'compose.yaml'), text);
  assert.ok(diagnostics.length > 0);
  assert.ok(diagnostics.every((d) => d.severity === DiagnosticSeverity.Error));
  assert.ok(diagnostics.some((d) => (d.message as string).startsWith('YAML: ')), JSON.stringify(diagnostics));
});

test('a name defined in the project\'s other file is not undefined; an override alone is checked with its base', async () => {
  const base = 'services:\n  db:\n    image: postgres\nnetworks:\n  back:\nvolumes:\n  data:\n';
  const override = 'services:\n  web:\n    image: nginx\n    depends_on: [db]\n    networks: [back]\n    volumes: ["data:/d"]\n';
  const dir = project({ 'compose.yaml': base, 'compose.override.yaml': override });
  const { diagnostics } = await openCompose(client, uriOf(dir, 'compose.override.yaml'), override);
  assert.deepEqual(diagnostics, []);
});

test('with no error of its own, the project as berth-compose loads it: a key it refuses is an error at that key', async () => {
  const text = 'services:\n  web:\n    image: nginx\n    cgroup_parent: m\n';
  const dir = project({ 'compose.yaml': text });
  const { diagnostics } = await openCompose(client, uriOf(dir, 'compose.yaml'), text);
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  assert.equal(diagnostics[0].code, 'berth-compose');
  assert.equal(textAt(text, diagnostics[0].range), 'cgroup_parent');
  assert.match(diagnostics[0].message as string, /"cgroup_parent" is not supported by berth-compose/);
});

test('a build context without a Dockerfile, and fixing it in the editor', async () => {
  const text = 'services:\n  api:\n    build: ./api\n';
  const dir = project({ 'compose.yaml': text });
  fs.mkdirSync(path.join(dir, 'api'));
  const uri = uriOf(dir, 'compose.yaml');
  const first = await openCompose(client, uri, text);
  assert.equal(textAt(text, find(first.diagnostics, 'build-dockerfile', text, './api').range), './api');
  fs.writeFileSync(path.join(dir, 'api', 'Dockerfile'), 'FROM alpine\n');
  const next = await client.change(uri, [{ range: { start: { line: 2, character: 11 }, end: { line: 2, character: 16 } }, text: 'api' }]);
  assert.deepEqual(next.diagnostics, []);
});

test('unset variables are information, not errors; a set one in .env is fine', async () => {
  const text = 'services:\n  web:\n    image: "nginx:${TAG}"\n    environment:\n      X: ${NOT_SET_ANYWHERE_42}\n';
  const dir = project({ 'compose.yaml': text, '.env': 'TAG=1.27\n' });
  const { diagnostics } = await openCompose(client, uriOf(dir, 'compose.yaml'), text);
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  assert.equal(diagnostics[0].severity, DiagnosticSeverity.Information);
  assert.match(diagnostics[0].message as string, /NOT_SET_ANYWHERE_42/);
});

test('a file created on disk clears the diagnostic once the client reports it', async () => {
  const text = 'services:\n  api:\n    build:\n      context: .\n      dockerfile: api.Dockerfile\n';
  const dir = project({ 'compose.yaml': text });
  const uri = uriOf(dir, 'compose.yaml');
  const first = await openCompose(client, uri, text);
  find(first.diagnostics, 'build-dockerfile', text, 'api.Dockerfile');
  fs.writeFileSync(path.join(dir, 'api.Dockerfile'), 'FROM alpine\n');
  const next = client.nextDiagnostics(uri, 1, (p) => p.diagnostics.length === 0);
  await client.filesChanged([{ uri: uriOf(dir, 'api.Dockerfile'), type: 1 }]);
  assert.deepEqual((await next).diagnostics, []);
});
