// Completion in Compose files over the real server: schema keys (snippets open blocks), enum values,
// the project's names where a name goes, and the engine's images for image:.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-protocol';
import { openCompose, posOf, project, uriOf } from './compose-fixture';
import { LspClient } from './lsp-client';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
  await client.connection.sendNotification('berth/imageNames', { names: ['nginx:1.27', 'postgres:16'] });
});
after(() => client.stop());

async function complete(text: string, needle: string, offset = needle.length): Promise<CompletionItem[]> {
  const dir = project({ 'compose.yaml': text });
  const uri = uriOf(dir, 'compose.yaml');
  await openCompose(client, uri, text);
  const r = await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: posOf(text, needle, offset) });
  return r as CompletionItem[];
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

test('keys of a service, from the schema, without the ones already there; documentation from the schema', async () => {
  const text = 'services:\n  web:\n    image: nginx\n    de\n';
  const items = await complete(text, '    de');
  const names = labels(items);
  for (const k of ['depends_on', 'deploy', 'build', 'ports', 'healthcheck', 'environment']) assert.ok(names.includes(k), k);
  assert.ok(!names.includes('image'), 'image is already there');
  const dependsOn = items.find((i) => i.label === 'depends_on')!;
  assert.match(JSON.stringify(dependsOn.documentation), /dependency between services/i);
  const edit = dependsOn.textEdit as TextEdit;
  assert.deepEqual(edit.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 6 } });
  // A mapping or list opens a block at the next indentation; a scalar stays on the line.
  assert.equal((items.find((i) => i.label === 'healthcheck')!.textEdit as TextEdit).newText, 'healthcheck:\n      $0');
  assert.equal((items.find((i) => i.label === 'container_name')!.textEdit as TextEdit).newText, 'container_name: $0');
});

test('top-level keys in an empty file', async () => {
  const names = labels(await complete('\n', '', 0));
  for (const k of ['services', 'networks', 'volumes', 'name', 'include']) assert.ok(names.includes(k), k);
});

test('keys inside build and inside a volume item', async () => {
  const build = await complete('services:\n  web:\n    build:\n      context: .\n      \n', '      \n', 6);
  assert.ok(labels(build).includes('dockerfile') && labels(build).includes('args') && !labels(build).includes('context'), JSON.stringify(labels(build)));
  const vol = await complete('services:\n  web:\n    image: x\n    volumes:\n      - type: volume\n        \n', '        \n', 8);
  assert.ok(labels(vol).includes('source') && labels(vol).includes('read_only'), JSON.stringify(labels(vol)));
});

test('enum values and booleans', async () => {
  const cond = await complete('services:\n  web:\n    image: x\n    depends_on:\n      db:\n        condition: \n  db:\n    image: y\n', 'condition: ');
  assert.deepEqual(labels(cond).sort(), ['service_completed_successfully', 'service_healthy', 'service_started']);
  const ro = await complete('services:\n  web:\n    image: x\n    read_only: \n', 'read_only: ');
  assert.deepEqual(labels(ro).sort(), ['false', 'true']);
  const restart = await complete('services:\n  web:\n    image: x\n    restart: \n', 'restart: ');
  assert.ok(labels(restart).includes('unless-stopped'));
});

test('service names in depends_on (list, map and flow forms), extends and network_mode; not the service itself', async () => {
  const text = 'services:\n  web:\n    image: x\n    depends_on:\n      - \n  db:\n    image: y\n  cache:\n    image: z\n';
  assert.deepEqual(labels(await complete(text, '      - ')).sort(), ['cache', 'db']);
  const flow = 'services:\n  web:\n    image: x\n    depends_on: [db, ]\n  db:\n    image: y\n  cache:\n    image: z\n';
  assert.deepEqual(labels(await complete(flow, '[db, ')).sort(), ['cache', 'db']);
  const map = 'services:\n  web:\n    image: x\n    depends_on:\n      \n  db:\n    image: y\n';
  const mapItems = await complete(map, '    depends_on:\n      ');
  assert.deepEqual(labels(mapItems), ['db']);
  assert.equal((mapItems[0].textEdit as TextEdit).newText, 'db:');
  const ext = 'services:\n  web:\n    extends:\n      service: \n  base:\n    image: y\n';
  assert.deepEqual(labels(await complete(ext, 'service: ')), ['base']);
  const nm = 'services:\n  web:\n    image: x\n    network_mode: \n  vpn:\n    image: y\n';
  assert.deepEqual(labels(await complete(nm, 'network_mode: ')).sort(), ['bridge', 'host', 'none', 'service:vpn']);
});

test('network and volume names where a service uses them', async () => {
  const text = 'services:\n  web:\n    image: x\n    networks:\n      - \n    volumes:\n      - \nnetworks:\n  front:\n  back:\nvolumes:\n  data:\n';
  assert.deepEqual(labels(await complete(text, '      - ')).sort(), ['back', 'front']);
  // A volume item may also be the long form: its keys come after the names.
  const volItems = (await complete(text, '    volumes:\n      - ')).sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
  assert.equal(volItems[0].label, 'data');
  assert.equal((volItems[0].textEdit as TextEdit).newText, 'data:');
  assert.ok(labels(volItems).includes('type'));
});

test('image names from the engine', async () => {
  const items = await complete('services:\n  web:\n    image: ng\n', 'image: ng');
  assert.deepEqual(labels(items), ['nginx:1.27', 'postgres:16']);
  assert.deepEqual((items[0].textEdit as TextEdit).range, { start: { line: 2, character: 11 }, end: { line: 2, character: 13 } });
});

test('in a comment, nothing', async () => {
  assert.deepEqual(await complete('services:\n  web: # a comm\n', '# a comm'), []);
});
