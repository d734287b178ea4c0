import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { BuiltImages } from '../../extension/image-build/built-images.js';
import { historyInstruction, historyLines } from '../../extension/images/history-lines.js';
import { HistoryDocuments } from '../../extension/inspect/history-documents.js';

const DOCKERFILE = [
  'FROM busybox:latest AS build', // 0
  'RUN echo build > /b', // 1
  'FROM busybox:latest', // 2
  'ARG GREETING=unset', // 3
  'WORKDIR /app', // 4
  'COPY --from=build /b /app/b', // 5
  'RUN --mount=type=cache,target=/c echo "$GREETING" > /app/g', // 6
  'CMD ["sh"]', // 7
].join('\n');

test('CREATED BY as the legacy builder and BuildKit write it, to keyword and text', () => {
  assert.deepEqual(historyInstruction('/bin/sh -c #(nop)  CMD ["sh"]'), { keyword: 'CMD', text: 'CMD ["sh"]' });
  assert.deepEqual(historyInstruction('|1 GREETING=hi /bin/sh -c echo "$GREETING" > /app/g'), { keyword: 'RUN', text: 'RUN echo "$GREETING" > /app/g' });
  assert.deepEqual(historyInstruction('RUN |1 GREETING=hi /bin/sh -c echo "$GREETING" > /app/g # buildkit'), { keyword: 'RUN', text: 'RUN echo "$GREETING" > /app/g' });
  assert.deepEqual(historyInstruction('COPY /b /app/b # buildkit'), { keyword: 'COPY', text: 'COPY /b /app/b' });
  assert.deepEqual(historyInstruction('/bin/sh -c #(nop) COPY file:0a1b2c in /app/b '), { keyword: 'COPY', text: 'COPY file:0a1b2c in /app/b' });
});

test("each layer of the last stage linked to its line; the base image's layers and a mismatch are not", () => {
  const legacy = [
    '/bin/sh -c #(nop)  CMD ["sh"]',
    '|1 GREETING=hi /bin/sh -c echo "$GREETING" > /app/g',
    '/bin/sh -c #(nop) COPY file:abc in /app/b ',
    '/bin/sh -c #(nop) WORKDIR /app',
    '/bin/sh -c #(nop)  ARG GREETING=unset',
    'imported from -',
  ];
  assert.deepEqual(historyLines(legacy, DOCKERFILE), [7, 6, 5, 4, 3, undefined]);
  assert.deepEqual(historyLines(['/bin/sh -c echo build > /b', 'imported from -'], DOCKERFILE, 'build'), [1, undefined]);
  // Another Dockerfile's history: the RUN commands differ, nothing is linked past the first mismatch.
  assert.deepEqual(historyLines(['/bin/sh -c make install', '/bin/sh -c #(nop)  CMD ["sh"]'], 'FROM busybox\nCMD ["sh"]\nRUN make test', undefined), [undefined, undefined]);
});

test('Show Image History says which Dockerfile an image was built from, and offers links to its lines', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-history-'));
  try {
    const dockerfile = path.join(dir, 'Dockerfile');
    fs.writeFileSync(dockerfile, DOCKERFILE);
    const data = new Map<string, unknown>();
    const built = new BuiltImages({ get: <T>(k: string) => data.get(k) as T, update: async (k, v) => void data.set(k, v) });
    await built.record('sha256:' + 'a'.repeat(64), { dockerfile });
    assert.deepEqual(built.find('aaaaaaaaaaaa'), { dockerfile });
    assert.equal(built.find('b'.repeat(64)), undefined);
    const docker = { getImage: () => ({ history: async () => [{ Id: 'sha256:' + 'a'.repeat(64), Created: 1, CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]', Size: 0 }, { Id: '<missing>', Created: 1, CreatedBy: 'imported from -', Size: 100 }] }) };
    const docs = new HistoryDocuments(() => docker as never, (id) => built.find(id));
    const text = await docs.read('app:1', 'app:1');
    assert.match(text, new RegExp(`Built by Berth from ${dockerfile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: CREATED BY links to the line that made each layer\\.`));
    fs.rmSync(dockerfile);
    assert.match(await docs.read('app:1', 'app:1'), /which is gone: no links to its lines/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
