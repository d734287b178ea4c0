// The nearest .hadolint.yaml wins, up to the workspace folder (outside one: the document's folder only); folders already walked are answered
// from the cache, and a cached ancestor never hides a nearer file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { HadolintConfigs } from '../../language-server/hadolint-config';

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-hadolint-config-'));
after(() => fs.rmSync(ws, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
  fs.writeFileSync(path.join(ws, rel), text);
}
const uri = (rel: string) => pathToFileURL(path.join(ws, rel)).href;

test('nearest file wins in every folder, whatever order the documents open in', () => {
  write('.hadolint.yaml', 'top');
  write('c/.hadolint.yml', 'c');
  const read: string[] = [];
  const configs = new HadolintConfigs((text, file) => {
    read.push(path.relative(ws, file));
    return { config: { ignored: [text] }, problems: [] };
  }, () => undefined);
  configs.setWorkspaceFolders([pathToFileURL(ws).href]);
  assert.deepEqual(configs.forDocument(uri('a/b/Dockerfile'))?.ignored, ['top']);
  assert.deepEqual(configs.forDocument(uri('c/d/Dockerfile'))?.ignored, ['c']);
  assert.deepEqual(configs.forDocument(uri('a/x/Dockerfile'))?.ignored, ['top']);
  assert.deepEqual(configs.forDocument(uri('c/Dockerfile'))?.ignored, ['c']);
  assert.deepEqual(configs.forDocument(uri('Dockerfile'))?.ignored, ['top']);
  // Each file read once: sibling folders reuse what the first walk found.
  assert.deepEqual(read.sort(), ['.hadolint.yaml', path.join('c', '.hadolint.yml')]);
});

test('outside the workspace folders only the document\'s own folder counts', () => {
  const configs = new HadolintConfigs((text) => ({ config: { ignored: [text] }, problems: [] }), () => undefined);
  configs.setWorkspaceFolders([pathToFileURL(path.join(ws, 'elsewhere')).href]);
  assert.equal(configs.forDocument(uri('a/b/Dockerfile')), undefined);
  assert.deepEqual(configs.forDocument(uri('c/Dockerfile'))?.ignored, ['c']);
  assert.equal(configs.forDocument('untitled:Untitled-1'), undefined);
});
