// Driving the VS Code workbench in the page: the activity bar, the command palette and tree views.
// Selectors follow VS Code's DOM and accessibility labels (roles and aria-labels), which are the
// stable part of it.
import type { Locator, Page } from 'playwright-core';

export interface TreeItem {
  label: string;
  description: string;
}

/** Resolves once the workbench has rendered its activity bar and the explorer has the folder. */
export async function waitForWorkbench(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await activityBar(page).waitFor({ state: 'visible', timeout: timeoutMs });
}

function activityBar(page: Page): Locator {
  return page.locator('.part.activitybar');
}

/** The activity-bar entry (a tab) of a view container, by its title ("Berth"). */
export function activityBarItem(page: Page, title: string): Locator {
  // The tab's link carries the title, possibly followed by a keybinding ("Explorer (Ctrl+Shift+E)").
  return activityBar(page).locator('li.action-item[role="tab"]').filter({
    has: page.locator(`a.action-label[aria-label="${title}"], a.action-label[aria-label^="${title} ("]`),
  }).first();
}

/** The side bar, where an open view container shows its views. */
export function sideBar(page: Page): Locator {
  return page.locator('.part.sidebar');
}

/** Opens a view container from the activity bar unless it is open; resolves when its title shows. */
export async function openViewContainer(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  if ((await item.getAttribute('aria-selected')) !== 'true') await item.click();
  await sideBar(page).locator('.composite.title').filter({ hasText: new RegExp(escapeRegExp(title), 'i') })
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Runs a command by its palette title ("Berth: Refresh Engine"). */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  // The palette is gone once no open quick input lists the command; the command itself may already
  // have opened an input box or a pick of its own.
  await page.locator('.quick-input-widget:not(.quick-input-widget-closing):not([inert])')
    .filter({ has: page.locator('.monaco-list-row', { hasText: title }) })
    .waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** The tree of a view, found by the view's name (its aria-label). */
export function treeOfView(page: Page, viewName: string): Locator {
  return page.locator(`.monaco-list[aria-label="${viewName}"]`).first();
}

/** The visible rows of a tree view: label and description of each. */
export async function readTreeItems(page: Page, viewName: string): Promise<TreeItem[]> {
  const rows = treeOfView(page, viewName).locator('.monaco-list-row');
  const items: TreeItem[] = [];
  for (const row of await rows.all()) {
    const label = (await row.locator('.label-name').first().textContent())?.trim() ?? '';
    const description = await row.locator('.label-description').count()
      ? ((await row.locator('.label-description').first().textContent())?.trim() ?? '')
      : '';
    items.push({ label, description });
  }
  return items;
}

/**
 * Waits until the tree shows a row `label` whose description matches `description`; returns all
 * rows at that moment. Playwright re-checks the condition as the DOM changes, up to the timeout.
 */
export async function waitForTreeItem(
  page: Page,
  viewName: string,
  label: string,
  description: RegExp,
  timeoutMs: number,
): Promise<TreeItem[]> {
  const row = treeOfView(page, viewName).locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
    .filter({ has: page.locator('.label-description', { hasText: description }) });
  try {
    await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const last = await readTreeItems(page, viewName).catch(() => []);
    throw new Error(`"${viewName}" view: no row "${label}" matching ${description} within ${timeoutMs / 1000} s; rows: ${JSON.stringify(last)}`);
  }
  return readTreeItems(page, viewName);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
