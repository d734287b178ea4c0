// Issue 18 inside a container, on the bundled engine: Browse Files from the Containers view, open a
// file from the Container Files view (read-only, its text in the editor), and Show Stats (a live panel
// titled after the container).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import Docker from 'dockerode';
import { ensureBaseImage, removeByPrefix } from './engine-fixtures.js';
import { Harness } from './harness.js';
import { requireE2e } from './prerequisites.js';
import { contextMenu, editorLines, expandView, treeRow } from './workbench-actions.js';
import { treeOfView } from './workbench.js';

test('Browse Files opens a file inside a running container; Show Stats opens its live panel', { timeout: 10 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsBundledEngine: true }))) return;
  const h = await Harness.start({ name: 'container-inside' });
  const prefix = `berth-e2e-inside-${process.pid}`;
  const name = `${prefix}-box`;
  try {
    await h.openBerthView();
    await h.waitForTreeItem('Engine', 'State', /^running$/, 90_000);
    await ensureBaseImage(h.engineSocket);
    const docker = new Docker({ socketPath: h.engineSocket });
    const c = await docker.createContainer({ name, Image: 'busybox:latest', Cmd: ['sh', '-c', 'mkdir -p /srv && echo "hello from inside" > /srv/greeting.txt && trap "exit 0" TERM; while true; do sleep 1; done'] });
    await c.start();
    const page = h.page;
    const row = treeRow(page, 'Containers', name);
    await row.waitFor({ state: 'visible', timeout: 60_000 });

    await contextMenu(page, row, 'Browse Files');
    await expandView(page, 'Container Files');
    const srv = treeRow(page, 'Container Files', 'srv');
    await scrollTo(page, 'Container Files', srv);
    await srv.click();
    const file = treeRow(page, 'Container Files', 'greeting.txt');
    await scrollTo(page, 'Container Files', file);
    await file.click();
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'greeting.txt' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.editor-group-container.active .view-lines').getByText('hello from inside').first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal((await editorLines(page))[0], 'hello from inside');
    await h.screenshot('container-file-open');

    await contextMenu(page, row, 'Show Stats');
    await page.locator('.editor-group-container.active .tab.active', { hasText: `Stats: ${name}` }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The panel is a webview: its page lives in nested frames.
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await frame.getByText('Memory').first().waitFor({ state: 'visible', timeout: 60_000 });
    await frame.getByText(/\d+(\.\d+)? (B|kB|MB) of /).first().waitFor({ state: 'visible', timeout: 60_000 });
    await h.screenshot('stats-panel');
  } finally {
    await removeByPrefix(h.engineSocket, prefix).catch(() => undefined);
    await h.close();
  }
});

/** Trees render only the rows in sight: wheel down the view until `row` is there (a root has ~20 folders). */
async function scrollTo(page: Page, viewName: string, row: Locator): Promise<void> {
  const tree = treeOfView(page, viewName);
  await tree.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  for (let i = 0; i < 30; i++) {
    if (await row.isVisible().catch(() => false)) return;
    await tree.hover();
    await page.mouse.wheel(0, 60);
    await page.waitForTimeout(200);
  }
  await row.waitFor({ state: 'visible', timeout: 10_000 });
}
