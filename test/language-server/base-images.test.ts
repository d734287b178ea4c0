// The server's side of base image facts with the real linter and a fake client: the first publish
// goes without facts, the references are asked after it, a document is published again only when
// the facts change its findings, and a client that fails or is never enabled changes nothing; hover
// and completion with facts given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../dockerfile/syntax/parser';
import { BaseImages, lintFacts } from '../../language-server/base-images';
import { completion } from '../../language-server/features/completion';
import { hover } from '../../language-server/features/hover';
import { DiagnosticsService } from '../../language-server/diagnostics';
import type { ParsedDocument } from '../../language-server/documents';
import { dockerfileLibrary } from '../../language-server/library';
import type { BaseImagesResult, ImageConfigFacts } from '../../language-server/protocol';
import { RuleDocs } from '../../language-server/rule-docs';
import { DEFAULT_SETTINGS } from '../../language-server/settings';

const node: ImageConfigFacts = {
  id: 'sha256:aaa', created: '2026-01-02T03:04:05Z', size: 123_000_000, os: 'linux', architecture: 'amd64',
  env: ['PATH=/usr/bin', 'NODE_VERSION=22'], user: 'node', workingDir: '/app', exposedPorts: [], shell: [], entrypoint: [], cmd: ['node'],
};

function harness(texts: Record<string, string>, answer: (refs: string[]) => Promise<BaseImagesResult>, enable = true) {
  const docs = new Map<string, ParsedDocument>(Object.entries(texts).map(([uri, t]) => [uri, { uri, version: 1, ast: parseDockerfile(t) }]));
  const published: { uri: string; codes: string[] }[] = [];
  const asked: string[][] = [];
  const warnings: string[] = [];
  const images = new BaseImages({ changed: (refs) => service.baseImagesChanged(refs), warn: (m) => warnings.push(m) });
  if (enable) images.enable((refs) => { asked.push(refs); return answer(refs); });
  const service: DiagnosticsService = new DiagnosticsService({
    documents: { get: (uri) => docs.get(uri), all: () => [...docs.keys()].map((uri) => ({ uri })) },
    settings: { get: async () => ({ ...DEFAULT_SETTINGS, shellcheck: { enable: false, path: 'shellcheck' } }) },
    hadolintConfig: () => undefined,
    linters: dockerfileLibrary().linters,
    shellcheck: { knownMissing: () => true, check: async () => [] },
    quiet: { whenIdle: async () => undefined },
    docs: new RuleDocs('/nonexistent'),
    publish: (uri, _v, list) => published.push({ uri, codes: list.map((d) => String(d.code)) }),
    log: { error: (m) => assert.fail(m) },
    notify: () => undefined,
    debounceMs: 0,
    baseImages: images,
  });
  return { service, images, published, asked, warnings };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

test('published first without facts, again with them; a document the facts do not change is not published again', async () => {
  const h = harness({
    'file:///a': 'FROM node:22\nCOPY x /$NOPE/\n',
    'file:///b': 'FROM node:22\nCOPY x /y/\n',
  }, async (refs) => ({ images: refs.map((reference) => ({ reference, image: reference === 'node:22' ? node : null })) }));
  h.service.opened('file:///a');
  h.service.opened('file:///b');
  await settle();
  assert.deepEqual(h.asked, [['node:22']], 'one request for both documents');
  const forA = h.published.filter((p) => p.uri === 'file:///a').map((p) => p.codes.includes('UndefinedVar'));
  assert.deepEqual(forA, [false, true]);
  assert.equal(h.published.filter((p) => p.uri === 'file:///b').length, 1);
  assert.equal(h.images.image('node:22')?.user, 'node');
});

test('the images changed: asked again; the same answer publishes nothing, a removed image brings the careful lint back', async () => {
  let have = true;
  const h = harness({ 'file:///a': 'FROM node:22\nCOPY x /$NOPE/\n' },
    async (refs) => ({ images: refs.map((reference) => ({ reference, image: have ? node : null })) }));
  h.service.opened('file:///a');
  await settle();
  assert.equal(h.published.length, 2);
  h.images.imagesChanged(h.service.baseImageReferences());
  await settle();
  assert.equal(h.asked.length, 2);
  assert.equal(h.published.length, 2, 'same facts: nothing to publish');
  have = false;
  h.images.imagesChanged(h.service.baseImageReferences());
  await settle();
  assert.equal(h.published.length, 3);
  assert.equal(h.published[2].codes.includes('UndefinedVar'), false);
});

test('a client that fails or answers nonsense leaves the lint as without facts; a client never enabled is never asked', async () => {
  const failing = harness({ 'file:///a': 'FROM node:22\nCOPY x /$NOPE/\n' }, async () => { throw new Error('no engine'); });
  failing.service.opened('file:///a');
  await settle();
  assert.equal(failing.published.length, 1);
  assert.match(failing.warnings.join('\n'), /could not learn the base images \(node:22\): no engine/);
  const nonsense = harness({ 'file:///a': 'FROM node:22\nCOPY x /$NOPE/\n' }, async () => ({ images: [{ reference: 'node:22', image: { id: 1 } }] } as unknown as BaseImagesResult));
  nonsense.service.opened('file:///a');
  await settle();
  assert.equal(nonsense.published.length, 1);
  assert.match(nonsense.warnings.join('\n'), /not an ImageConfigFacts/);
  const off = harness({ 'file:///a': 'FROM node:22\nCOPY x /$NOPE/\n' }, async () => assert.fail('asked'), false);
  off.service.opened('file:///a');
  await settle();
  assert.deepEqual(off.asked, []);
  assert.equal(off.published.length, 1);
});

test('hover on FROM and completion after $ with the facts given', () => {
  const ast = parseDockerfile('FROM node:22\nCOPY x /$\n');
  const facts = lintFacts(node);
  const images = { lookup: (ref: string) => (ref === 'node:22' ? facts : undefined), image: (ref: string) => (ref === 'node:22' ? node : undefined) };
  const onImage = hover(ast, { line: 0, character: 7 }, images);
  const text = (onImage?.contents as { value: string }).value;
  assert.match(text, /\*\*node:22\*\* in the engine \(`aaa`\): 123\.0 MB, created 2026-01-02 03:04 UTC, linux\/amd64/);
  assert.match(text, /Entrypoint none, Cmd `\["node"\]`/);
  assert.match(text, /User `node`, WORKDIR `\/app`/);
  assert.match(text, /ENV: 2 variables \(`PATH`, `NODE_VERSION`\)/);
  assert.deepEqual(onImage?.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 12 } });
  assert.equal(hover(ast, { line: 0, character: 7 }), null, 'no facts, no image hover');
  const items = completion(ast, { line: 1, character: 9 }, { imageNames: [], ruleNames: [], baseImages: images.lookup });
  assert.deepEqual(items.map((i) => i.label).sort(), ['NODE_VERSION', 'PATH']);
  assert.deepEqual(completion(ast, { line: 1, character: 9 }, { imageNames: [], ruleNames: [] }), []);
});
