// Opens a running VS Code (code-server) URL in Chromium, opens the Berth view container and saves a
// screenshot: the check that `npm start` ends with Berth showing.
//   node --import tsx test/e2e/screenshot-url.ts URL test-results/npm-start/berth-view.png
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { launchChromium } from './browser.js';
import { openViewContainer, readTreeItems, waitForWorkbench } from './workbench.js';

async function main(url: string | undefined, out: string | undefined): Promise<void> {
  if (!url || !out) throw new Error('usage: screenshot-url.ts URL OUT.png');
  const profile = mkdtempSync(join(tmpdir(), 'berth-chromium-'));
  const context = await launchChromium(profile);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await waitForWorkbench(page);
    await openViewContainer(page, 'Berth', 60_000);
    // Let the Engine view leave its welcome text for its first state row.
    await page.locator('.monaco-list[aria-label="Engine"] .monaco-list-row').first().waitFor({ timeout: 60_000 });
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    console.log(JSON.stringify(await readTreeItems(page, 'Engine')));
    console.log(`saved ${out}`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main(process.argv[2], process.argv[3]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
