import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Dockerode from 'dockerode';
import { formatHistory, instructionOf, type HistoryEntry } from '../../extension/images/image-history.js';
import { HistoryDocuments } from '../../extension/inspect/history-documents.js';
import { UserError } from '../../extension/errors.js';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const secondsAgo = (s: number): number => Math.floor(NOW / 1000) - s;

const ENTRIES: HistoryEntry[] = [
  { Id: 'sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741', Created: secondsAgo(120), CreatedBy: '/bin/sh -c #(nop)  CMD ["node" "server.js"]', Size: 0, Tags: ['app:1'] },
  { Id: '<missing>', Created: secondsAgo(3 * 3600), CreatedBy: '/bin/sh -c npm ci &&\n    npm run build', Size: 48_300_000, Comment: '' },
  { Id: '<missing>', Created: secondsAgo(40 * 86400), CreatedBy: '/bin/sh -c #(nop) ADD file:abc in / ', Size: 7_340_000, Comment: 'imported from -' },
];
const IMPORTED: HistoryEntry[] = [{ Id: 'sha256:ec8ec7f887c3aa', Created: secondsAgo(5), CreatedBy: '', Size: 2_000_000, Comment: 'Imported from -' }];

test('instructions as written: the nop wrapper dropped, shell commands marked RUN, others untouched', () => {
  assert.equal(instructionOf('/bin/sh -c #(nop)  CMD ["node" "server.js"]'), 'CMD ["node" "server.js"]');
  assert.equal(instructionOf('/bin/sh -c apk add curl'), 'RUN apk add curl');
  assert.equal(instructionOf('RUN /bin/sh -c echo hi # buildkit'), 'RUN /bin/sh -c echo hi # buildkit');
  assert.equal(instructionOf(''), '');
});

test('the history table: newest first, short ids, ages, sizes, one line per layer, totals in the title', () => {
  const text = formatHistory('app:1', ENTRIES, NOW);
  const lines = text.split('\n');
  assert.equal(lines[0], 'History of app:1: 3 layers, 55.6 MB in all (newest first)');
  assert.match(lines[2], /^IMAGE\s+CREATED\s+SIZE\s+CREATED BY \(comment\)$/);
  assert.match(lines[3], /^3f57d9401f8d\s+2 minutes ago\s+0 B\s+CMD \["node" "server\.js"\]$/);
  assert.match(lines[4], /^<missing>\s+3 hours ago\s+48\.3 MB\s+RUN npm ci && ⏎ npm run build$/);
  assert.match(lines[5], /^<missing>\s+1 month ago\s+7\.3 MB\s+ADD file:abc in \/\s+\(imported from -\)$/);
  assert.match(formatHistory('busybox:latest', IMPORTED, NOW).split('\n')[3], /^ec8ec7f887c3  just now  2\.0 MB  \(Imported from -\)$/);
  // Columns line up: CREATED starts at the same place in every row.
  const at = lines.slice(2, 6).map((l) => l.search(/(CREATED|\d+ (minutes|hours|month))/));
  assert.equal(new Set(at).size, 1, text);
});

test('the document reads the engine, and an engine failure is a message with its words', async () => {
  const asked: string[] = [];
  const docker = {
    getImage: (id: string) => ({
      history: async () => {
        asked.push(id);
        if (id === 'gone:1') throw Object.assign(new Error('(HTTP code 404) no such image'), { statusCode: 404, json: { message: 'No such image: gone:1' } });
        return ENTRIES;
      },
    }),
  } as unknown as Dockerode;
  const docs = new HistoryDocuments(() => docker);
  assert.match(await docs.read('app:1', 'app:1'), /^History of app:1: 3 layers/);
  await assert.rejects(docs.read('gone:1', 'gone:1'), (err: unknown) => err instanceof UserError && /^Could not read the history of gone:1: No such image: gone:1\./.test(err.message));
  assert.deepEqual(asked, ['app:1', 'gone:1']);
  await assert.rejects(new HistoryDocuments(() => undefined).read('app:1', 'app:1'), /not connected to an engine/);
  const uri = docs.uriFor('127.0.0.1:5000/app:1', 'sha256:1');
  assert.equal(uri.toString(), `berth-history:/127.0.0.1_5000_app_1.history?${encodeURIComponent('sha256:1\n127.0.0.1:5000/app:1')}`);
});
