// Base images known from a real engine: images with ENV, USER, WORKDIR and EXPOSE are built in a
// berthd on a temporary root, the extension's resolver (extension/engine/base-image-facts.ts) answers
// the language server's berth/baseImages requests from that engine, and the server runs over LSP stdio
// as the extension starts it. Checks the lint (first publish without facts, a second one with them),
// hover and completion, and that removing the image brings the careful behaviour back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CompletionItem, Diagnostic, Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { BaseImageResolver } from '../../../extension/engine/base-image-facts';
import { BASE_IMAGES_CHANGED_NOTIFICATION, BASE_IMAGES_REQUEST, type BaseImagesParams, type BaseImagesResult } from '../../../language-server/protocol';
import { startDaemon, type TestDaemon } from '../../helpers/daemon';
import { makeTar } from '../../helpers/tar-builder';
import { LspClient } from '../lsp-client';

const NONROOT = 'berth-test-base/nonroot:1';
const ROOTIMG = 'berth-test-base/rootimg:1';

function prerequisite(): { skip?: string } {
  if (process.getuid?.() === 0) return {};
  if (process.env.CI === 'true') throw new Error('this test starts berthd as root (CI=true, so it fails instead of skipping)');
  return { skip: 'needs root to start berthd' };
}
const opts = prerequisite();

let engine: TestDaemon;
let client: LspClient;
const resolver = new BaseImageResolver(() => engine.client);
const asked: string[][] = [];

async function build(tag: string, dockerfile: string): Promise<void> {
  const tar = await makeTar([{ name: 'Dockerfile', content: dockerfile }, { name: 'marker', content: 'x\n' }]);
  const stream = await engine.client.buildImage(tar as unknown as NodeJS.ReadableStream, { t: tag });
  const messages = await new Promise<{ error?: string }[]>((resolve, reject) => {
    engine.client.modem.followProgress(stream, (err: Error | null, res: { error?: string }[]) => (err ? reject(err) : resolve(res)));
  });
  assert.equal(messages.find((m) => m.error)?.error, undefined);
}

before(async () => {
  if (opts.skip) return;
  engine = await startDaemon();
  // No RUN: the images need no container, only their config.
  await build(NONROOT, 'FROM scratch\nCOPY marker /marker\nENV APP_HOME=/srv/app NODE_VERSION=22.1.0\nWORKDIR /home/node/app\nUSER node\nEXPOSE 3000\n');
  await build(ROOTIMG, 'FROM scratch\nCOPY marker /marker\nENV ONLY_HERE=1\n');
  client = await LspClient.start({ initializationOptions: { baseImages: true }, settings: { shellcheck: { enable: false } } });
  client.connection.onRequest(BASE_IMAGES_REQUEST, async (p: BaseImagesParams): Promise<BaseImagesResult> => {
    asked.push(p.references);
    return { images: await resolver.resolve(p.references) };
  });
}, { timeout: 120_000 });

after(async () => {
  await client?.stop();
  if (engine) {
    await engine.stop();
    await engine.cleanup();
  }
});

const byRule = (p: PublishDiagnosticsParams, rule: string): Diagnostic[] => p.diagnostics.filter((d) => d.code === rule);
const hasUndefined = (name: string) => (p: PublishDiagnosticsParams) => byRule(p, 'UndefinedVar').some((d) => String(d.message).includes(`$${name}`));

test('UndefinedVar reports a truly undefined name once the base image is known, and not the base image\'s ENV', opts, async () => {
  const uri = 'file:///w/app/Dockerfile';
  const text = `FROM ${NONROOT}\nCOPY marker $APP_HOME/$NOT_DEFINED_ANYWHERE/\nRUN echo hi\n`;
  const withFacts = client.nextDiagnostics(uri, 1, hasUndefined('NOT_DEFINED_ANYWHERE'));
  const first = await client.open(uri, text);
  // First publish: without facts, the careful behaviour (no typo of anything defined here).
  assert.deepEqual(byRule(first, 'UndefinedVar'), []);
  const second = await withFacts;
  assert.deepEqual(byRule(second, 'UndefinedVar').map((d) => d.message), ['Usage of undefined variable "$NOT_DEFINED_ANYWHERE"']);
  assert.ok(asked.some((refs) => refs.includes(NONROOT)));
  // The base already runs as "node": no USER in the file is nothing to warn about.
  assert.deepEqual(byRule(second, 'DL3002'), []);
});

test('DL3002: quiet for a base running as non-root; USER root at the end names the base\'s user', opts, async () => {
  const uri = 'file:///w/user/Dockerfile';
  const text = `FROM ${NONROOT}\nUSER root\nRUN echo hi\n`;
  const named = client.nextDiagnostics(uri, 1, (p) => byRule(p, 'DL3002').some((d) => /runs as "node"/.test(String(d.message))));
  await client.open(uri, text);
  await named;
  // A root base with no USER: as without facts (quiet).
  const rootUri = 'file:///w/root/Dockerfile';
  const rootDone = client.nextDiagnostics(rootUri, 1, hasUndefined('NOPE'));
  const first = await client.open(rootUri, `FROM ${ROOTIMG}\nCOPY marker /$ONLY_HERE/$NOPE\n`);
  assert.deepEqual(byRule(first, 'DL3002'), []);
  const known = await rootDone;
  assert.deepEqual(byRule(known, 'DL3002'), []);
  assert.deepEqual(byRule(known, 'UndefinedVar').map((d) => d.message), ['Usage of undefined variable "$NOPE"']);
});

test('hover on FROM shows the image\'s size, creation date, user and ports; completion offers its ENV', opts, async () => {
  const uri = 'file:///w/hover/Dockerfile';
  const text = `FROM ${NONROOT}\nCOPY marker $\n`;
  const known = client.nextDiagnostics(uri, 1, (p) => p.diagnostics.length >= 0);
  await client.open(uri, text);
  await known;
  // The facts arrive after the first publish: wait until hover shows them.
  let value = '';
  for (let i = 0; i < 50 && !/created/.test(value); i++) {
    const h: Hover | null = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 8 } });
    value = (h?.contents as { value?: string } | undefined)?.value ?? '';
    if (!/created/.test(value)) await new Promise((r) => setTimeout(r, 100));
  }
  const inspect = await engine.client.getImage(NONROOT).inspect();
  assert.match(value, new RegExp(`\\*\\*${NONROOT.replace(/[/.]/g, '\\$&')}\\*\\* in the engine`));
  assert.match(value, new RegExp(`created ${new Date(inspect.Created).toISOString().slice(0, 10)}`));
  assert.match(value, /\d+(\.\d+)? (B|kB|MB)/);
  assert.match(value, /User `node`/);
  assert.match(value, /`3000\/tcp`/);
  // The builder adds PATH to every image's ENV, as Docker's does.
  assert.match(value, /ENV: 3 variables \(`PATH`, `APP_HOME`, `NODE_VERSION`\)/);
  // The FROM keyword's hover carries the same facts above the instruction's docs.
  const kw: Hover | null = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
  assert.match((kw?.contents as { value: string }).value, /in the engine/);
  const items: CompletionItem[] = await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 13 } });
  const node = items.find((i) => i.label === 'NODE_VERSION');
  assert.ok(node, items.map((i) => i.label).join(', '));
  assert.match(node.detail ?? '', /22\.1\.0 \(base image ENV\)/);
});

test('an image the engine does not have keeps the careful behaviour; removing an image brings it back', opts, async () => {
  const uri = 'file:///w/gone/Dockerfile';
  const missing = await client.open('file:///w/missing/Dockerfile', 'FROM berth-test-base/not-here:1\nCOPY marker /$NOPE/\n');
  assert.deepEqual(byRule(missing, 'UndefinedVar'), []);
  const known = client.nextDiagnostics(uri, 1, hasUndefined('NOPE'));
  await client.open(uri, `FROM ${ROOTIMG}\nCOPY marker /$NOPE/\n`);
  await known;
  // The extension's part after an image event: drop the engine's answers, tell the server.
  await engine.client.getImage(ROOTIMG).remove();
  const careful = client.nextDiagnostics(uri, 1, (p) => !hasUndefined('NOPE')(p));
  resolver.invalidate();
  await client.connection.sendNotification(BASE_IMAGES_CHANGED_NOTIFICATION);
  const after = await careful;
  assert.deepEqual(byRule(after, 'UndefinedVar'), []);
});
