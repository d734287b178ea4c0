// What a user does in the workbench beyond opening views: context menus on tree and explorer rows,
// input boxes, notifications and their buttons, modal dialogs, the text of terminals and the Problems
// list. Like workbench.ts, selectors follow VS Code's DOM classes and accessibility labels.
import type { Locator, Page } from 'playwright-core';
import { escapeRegExp, treeOfView } from './workbench.js';

/** A row of a tree view whose label is exactly `label` (and whose description matches, if given). */
export function treeRow(page: Page, viewName: string, label: string | RegExp, description?: RegExp): Locator {
  const name = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
  let row = treeOfView(page, viewName).locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: name }) });
  if (description) row = row.filter({ has: page.locator('.label-description', { hasText: description }) });
  return row.first();
}

/** A row of the Explorer's file tree by file or folder name. */
export function explorerRow(page: Page, name: string): Locator {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }),
  }).first();
}

/** Right-clicks `target` and picks the menu entry whose text is `item` (or matches it). */
/**
 * Expands a tree row until `child` shows. A click toggles, and a view refreshed by an engine event (a tag,
 * a push) can draw the row again collapsed, so it clicks only while the row is not expanded, until then.
 */
export async function expandUntilVisible(row: Locator, child: Locator, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await child.isVisible())) {
    if (Date.now() > deadline) {
      await child.waitFor({ state: 'visible', timeout: 1 });
      return;
    }
    if ((await row.getAttribute('aria-expanded').catch(() => null)) !== 'true') await row.click().catch(() => undefined);
    await child.waitFor({ state: 'visible', timeout: 1_000 }).catch(() => undefined);
  }
}

export async function contextMenu(page: Page, target: Locator, item: string | RegExp, timeoutMs = 30_000): Promise<void> {
  await target.waitFor({ state: 'visible', timeout: timeoutMs });
  await target.click({ button: 'right' });
  const label = typeof item === 'string' ? new RegExp(`^\\s*${escapeRegExp(item)}\\s*$`) : item;
  const entry = page.locator('.monaco-menu .action-item a.action-menu-item').filter({ has: page.locator('.action-label', { hasText: label }) }).first();
  try {
    await entry.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const offered = await page.locator('.monaco-menu .action-item .action-label').allTextContents().catch(() => []);
    await page.keyboard.press('Escape');
    throw new Error(`context menu has no entry ${label}; it offers ${JSON.stringify(offered.filter(Boolean))}`);
  }
  // A click right as the menu opens is dropped (VS Code ignores the mouse-up that may belong to the
  // right-click that opened it): point at the entry first, as a user does, then click.
  await entry.hover();
  await page.waitForTimeout(300);
  await entry.click();
  await page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: timeoutMs });
}

/**
 * The quick input that is open now: not the one still closing (the palette that ran the command), which
 * VS Code keeps in the DOM, inert, for its closing animation.
 */
export function openQuickInput(page: Page): Locator {
  return page.locator('.quick-input-widget:not(.quick-input-widget-closing):not([inert])').first();
}

/**
 * Answers the input box: waits for one whose text matches `title` (so it is not the palette that opened
 * it), replaces its value with `value` and presses Enter.
 */
export async function answerInputBox(page: Page, value: string, title?: RegExp, timeoutMs = 30_000): Promise<void> {
  const widget = title ? openQuickInput(page).filter({ hasText: title }) : openQuickInput(page);
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(value);
  await input.press('Enter');
  await page.locator('.quick-input-widget:not(.quick-input-widget-closing)').filter({ has: page.locator('input.input') })
    .waitFor({ state: 'hidden', timeout: timeoutMs })
    .catch(async (err: unknown) => {
      const message = await widget.locator('.quick-input-message').innerText().catch(() => '');
      throw new Error(`the input box did not take ${JSON.stringify(value)}: ${message || String(err)}`);
    });
}

/** The value the open input box offers. */
export async function quickInputValue(page: Page, timeoutMs = 30_000): Promise<string> {
  const input = openQuickInput(page).locator('input.input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  return input.inputValue();
}

/** A notification toast whose message matches. */
export function notification(page: Page, message: RegExp): Locator {
  return page.locator('.notification-toast-container .notification-list-item').filter({
    has: page.locator('.notification-list-item-message', { hasText: message }),
  }).first();
}

/**
 * Waits for a notification matching `expected`; fails at once with its text if one matching `failure`
 * shows up first (an error from the command under test, say).
 */
export async function waitForNotification(page: Page, expected: RegExp, failure: RegExp, timeoutMs: number): Promise<Locator> {
  const good = notification(page, expected);
  const bad = notification(page, failure);
  const which = await Promise.race([
    good.waitFor({ state: 'visible', timeout: timeoutMs }).then(() => 'good' as const),
    bad.waitFor({ state: 'visible', timeout: timeoutMs }).then(() => 'bad' as const),
  ]).catch(async () => {
    const shown = await page.locator('.notification-list-item-message').allTextContents().catch(() => []);
    throw new Error(`no notification matching ${expected} within ${timeoutMs / 1000} s; showing: ${JSON.stringify(shown)}`);
  });
  if (which === 'bad') throw new Error(`failed: ${(await bad.locator('.notification-list-item-message').textContent())?.trim()}`);
  return good;
}

/** Clicks a button of a notification. */
export async function clickNotificationButton(toast: Locator, button: string): Promise<void> {
  await toast.locator('.monaco-button', { hasText: new RegExp(`^\\s*${escapeRegExp(button)}\\s*$`) }).first().click();
}

/** Closes every notification toast, so they do not cover what the next step looks at. */
export async function clearNotifications(page: Page): Promise<void> {
  const toasts = page.locator('.notification-toast-container');
  for (let i = await toasts.count(); i > 0; i--) {
    const clear = toasts.nth(i - 1).locator('.codicon-notifications-clear').first();
    if (await clear.isVisible().catch(() => false)) await clear.click().catch(() => undefined);
  }
}

/** The modal dialog (confirmations): its message, and a click on one of its buttons. */
export async function answerDialog(page: Page, button: string, timeoutMs = 30_000): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  // Without a detail, VS Code puts the message where the detail goes: read the whole container.
  const message = (await dialog.locator('.dialog-message-container').first().innerText({ timeout: timeoutMs })).trim();
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^\\s*${escapeRegExp(button)}\\s*$`) }).first().click();
  // This dialog goes; the next one may already be up (a command asking one question after another).
  await page.locator('.monaco-dialog-box', { hasText: message }).first().waitFor({ state: 'hidden', timeout: timeoutMs });
  return message;
}

/** Waits until the panel shows a terminal named `name` (its tab, or the title of a lone terminal). */
export async function waitForTerminalNamed(page: Page, name: string, timeoutMs = 30_000): Promise<void> {
  await page.locator('.part.panel').getByText(name, { exact: true }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * The text on screen in the visible terminal. Needs the DOM renderer
 * (`terminal.integrated.gpuAcceleration: off`), which the scenario settings turn on.
 */
export async function terminalText(page: Page): Promise<string> {
  const rows = visibleTerminalRows(page);
  return ((await rows.innerText().catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
}

function visibleTerminalRows(page: Page): Locator {
  return page.locator('.part.panel .terminal-wrapper.active .xterm-rows').filter({ visible: true }).first();
}

/** Clicks into the visible terminal and types a line. */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.part.panel .terminal-wrapper.active .xterm').filter({ visible: true }).first().click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Waits until the visible terminal shows text matching `re`; returns that text. */
export async function waitForTerminalText(page: Page, re: RegExp, timeoutMs: number): Promise<string> {
  try {
    await page.locator('.part.panel .terminal-wrapper.active .xterm-rows').filter({ visible: true }).filter({ hasText: re }).first()
      .waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`terminal shows no ${re} within ${timeoutMs / 1000} s; it shows:\n${await terminalText(page)}`);
  }
  return terminalText(page);
}

/** The entries of the Problems panel (opened with Ctrl+Shift+M if needed), as their accessible labels. */
export async function problems(page: Page): Promise<string[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ state: 'visible', timeout: 30_000 });
  const rows = panel.locator('.monaco-list-row');
  const out: string[] = [];
  for (const r of await rows.all()) out.push((await r.getAttribute('aria-label')) ?? (await r.innerText()));
  return out;
}

/** Waits until some entry of the Problems panel matches. */
export async function waitForProblem(page: Page, re: RegExp, timeoutMs: number): Promise<string> {
  await problems(page);
  const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: re }).first();
  try {
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`Problems shows no ${re} within ${timeoutMs / 1000} s; it shows ${JSON.stringify(await problems(page))}`);
  }
  return (await row.getAttribute('aria-label')) ?? (await row.innerText());
}

/** Opens a workspace file through Quick Open (Ctrl+P) by its relative path. */
export async function openFile(page: Page, relativePath: string, timeoutMs = 30_000): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(relativePath);
  const parts = relativePath.split('/');
  const base = parts.pop() ?? relativePath;
  // The row of that file: its name, and its folder in the description (not a same-named file elsewhere).
  let row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(base)}\\s*$`) }) });
  if (parts.length) row = row.filter({ has: page.locator('.label-description', { hasText: parts.join('/') }) });
  else row = row.filter({ hasNot: page.locator('.label-description', { hasText: /\S/ }) });
  await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
  await row.first().click();
  await page.locator('.editor-group-container .tab.active', { hasText: base }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The text lines of the active editor as rendered (enough for a short file). */
export async function editorLines(page: Page): Promise<string[]> {
  const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
  // Monaco positions lines absolutely and may keep them out of DOM order.
  // (No DOM types in this project: the element is described by the two fields read.)
  type Line = { style: { top: string }; innerText: string };
  const placed = await lines.evaluateAll((els) => els.map((e) => ({ top: parseFloat((e as unknown as Line).style.top) || 0, text: (e as unknown as Line).innerText })));
  return placed.sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' '));
}

/** Expands a collapsed view of the side bar (Volumes and Networks start collapsed) by its header. */
export async function expandView(page: Page, viewName: string, timeoutMs = 30_000): Promise<void> {
  const header = page.locator('.part.sidebar .pane-header').filter({ has: page.locator('.title', { hasText: new RegExp(`^\\s*${escapeRegExp(viewName)}\\s*$`, 'i') }) }).first();
  await header.waitFor({ state: 'visible', timeout: timeoutMs });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  await treeOfView(page, viewName).waitFor({ state: 'visible', timeout: timeoutMs }).catch(() => undefined);
}
