// Settings are asked for when the client says it is ready, so the first document opened does not
// wait a round trip for them; the answers then serve the documents of each folder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SettingsCache } from '../../language-server/settings';

function cache() {
  const asked: (string | undefined)[] = [];
  const settings = new SettingsCache({
    fetch: (uri) => {
      asked.push(uri);
      return Promise.resolve({ rules: { DL3008: 'off' } });
    },
    warn: () => undefined,
  });
  return { settings, asked };
}

test('prefetch asks once per workspace folder, with the folder URI the client gave, and documents reuse the answer', async () => {
  const { settings, asked } = cache();
  settings.setWorkspaceFolders(['file:///ws/a', 'file:///ws/b/']);
  settings.prefetch();
  settings.prefetch();
  assert.deepEqual([...asked].sort(), ['file:///ws/a', 'file:///ws/b/']);
  const s = await settings.get('file:///ws/a/sub/Dockerfile');
  assert.equal(s.rules.DL3008, 'off');
  await settings.get('file:///ws/b/Dockerfile');
  assert.equal(asked.length, 2);
});

test('without workspace folders prefetch asks without a scope, and an open document reuses it', async () => {
  const { settings, asked } = cache();
  settings.prefetch();
  assert.deepEqual(asked, [undefined]);
  assert.equal((await settings.get('file:///tmp/Dockerfile')).rules.DL3008, 'off');
  assert.equal(asked.length, 1);
});
