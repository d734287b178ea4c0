// Show Image History from the Images view's context menu on the bundled engine: a read-only document
// titled after the image, listing its layers with the instruction that made each.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_IMAGE, ensureBaseImage } from './engine-fixtures.js';
import { Harness } from './harness.js';
import { requireE2e } from './prerequisites.js';
import { contextMenu, editorLines, treeRow } from './workbench-actions.js';

test('Show Image History opens the layers of busybox:latest', { timeout: 10 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsBundledEngine: true }))) return;
  const h = await Harness.start({ name: 'image-history' });
  try {
    await h.openBerthView();
    await h.waitForTreeItem('Engine', 'State', /^running$/, 90_000);
    await ensureBaseImage(h.engineSocket);
    const page = h.page;
    const busybox = treeRow(page, 'Images', 'busybox', /^latest$|tags/);
    await busybox.waitFor({ state: 'visible', timeout: 60_000 });
    if ((await busybox.getAttribute('aria-expanded')) !== 'true') await busybox.click();
    const tag = page.locator(`.monaco-list[aria-label="Images"] .monaco-list-row[aria-label^="${BASE_IMAGE},"]`).first();
    await contextMenu(page, tag, 'Show Image History');
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'busybox_latest.history' }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.editor-group-container.active .view-lines').getByText('History of busybox:latest', { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const lines = await editorLines(page);
    await h.screenshot('history');
    assert.match(lines[0], /^History of busybox:latest: 1 layer, [\d.]+ [kM]B in all/);
    assert.match(lines[2], /^IMAGE\s+CREATED\s+SIZE\s+CREATED BY/);
    // The offline base image is an import: one layer, sized, with the engine's import comment.
    assert.match(lines[3], /^[0-9a-f]{12}\s+\S.*\s+[\d.]+ [kM]B\s+/);
  } finally {
    await h.close();
  }
});
