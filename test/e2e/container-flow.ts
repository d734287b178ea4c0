// The scenario's container part, shared by the scenario (root engine, Docker Engine) and the
// rootless test: the same clicks in the same views, whichever engine answers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { publishedPort } from './engine-fixtures.js';
import type { Harness } from './harness.js';
import {
  answerDialog,
  answerInputBox,
  clearNotifications,
  contextMenu,
  expandUntilVisible,
  explorerRow,
  quickInputValue,
  treeRow,
  waitForNotification,
  waitForTerminalNamed,
  waitForTerminalText,
} from './workbench-actions.js';
import { openViewContainer } from './workbench.js';

/** The page the sample serves (sample/www/index.html). */
const SAMPLE_PAGE = /Hello from a Berth container/;
/** The line the sample prints when it starts (sample/Dockerfile's CMD). */
const SAMPLE_START_LINE = /berth-sample: serving \/www on port 8080/;

/**
 * Build sample/ from the Dockerfile's explorer context menu and see the image; run it and see the
 * container running; its logs; the published port from the host and through Open in Browser; stop
 * and remove the container, then the image. `socket` is the engine's, for what the test checks from outside.
 */
export async function containerFlow(t: TestContext, h: Harness, socket: string, repo: string, tag: string): Promise<void> {
  const page = h.page;

  // Build from the explorer's context menu; the tag defaults to the folder's name.
  await openViewContainer(page, 'Explorer');
  await contextMenu(page, explorerRow(page, 'Dockerfile'), 'Build Image...');
  assert.equal(await quickInputValue(page), 'workspace:latest', 'the tag defaults to the context folder name');
  await answerInputBox(page, tag, /Build Dockerfile/);
  await h.screenshot('building');
  const built = await waitForNotification(page, new RegExp(`^Built ${tag}\\.`), /^Could not build/, 5 * 60_000);
  await h.screenshot('built');
  await built.locator('.codicon-notifications-clear').click().catch(() => undefined);

  // The image shows in the Images view: its repository, and the tag below it.
  await h.openBerthView();
  const repoRow = treeRow(page, 'Images', repo, /^latest$/);
  await repoRow.waitFor({ state: 'visible', timeout: 60_000 });
  const tagRow = h.page.locator(`.monaco-list[aria-label="Images"] .monaco-list-row[aria-label^="${tag},"]`).first();
  await expandUntilVisible(repoRow, tagRow);
  await h.screenshot('image-in-view');

  // Run it from the tag's context menu: the sample's EXPOSE 8080 gets published on 127.0.0.1.
  await contextMenu(page, tagRow, 'Run');
  const started = await waitForNotification(page, new RegExp(`^Started \\S+ from ${tag}`), /^Could not run/, 2 * 60_000);
  const message = (await started.locator('.notification-list-item-message').textContent()) ?? '';
  const name = /^Started (\S+) from/.exec(message)?.[1] ?? '';
  assert.ok(name, `the notification names the container: ${message}`);
  assert.match(message, /127\.0\.0\.1:\d+→8080\/tcp/, 'the notification names the published port');
  await clearNotifications(page);
  const containerRow = treeRow(page, 'Containers', name, /Up|running/i);
  await containerRow.waitFor({ state: 'visible', timeout: 60_000 });
  await h.screenshot('container-running');
  const { ip, port } = await publishedPort(socket, name, '8080/tcp');
  assert.equal(ip, '127.0.0.1', 'published on loopback only');

  // Logs: a terminal that shows the start line, then follows the requests as they come.
  await contextMenu(page, containerRow, 'View Logs');
  await waitForTerminalText(page, SAMPLE_START_LINE, 60_000);
  await waitForTerminalNamed(page, `Logs: ${name}`);

  // The published port answers from the host, and the log terminal shows that request.
  const answer = await fetch(`http://127.0.0.1:${port}/index.html`);
  assert.equal(answer.status, 200);
  assert.match(await answer.text(), SAMPLE_PAGE);
  await waitForTerminalText(page, /url:\/index\.html/, 30_000);
  await h.screenshot('logs');

  // Open in Browser opens the published port (code-server may route it through its port proxy).
  const popup = h.context.waitForEvent('page', { timeout: 60_000 });
  await contextMenu(page, containerRow, 'Open in Browser');
  const opened = await popup;
  const url = opened.url();
  const direct = new RegExp(`^http://(localhost|127\\.0\\.0\\.1):${port}/?$`);
  const proxied = new RegExp(`/proxy/${port}/?$`);
  assert.ok(direct.test(url) || proxied.test(url), `Open in Browser opened ${url}, not port ${port}`);
  await opened.waitForLoadState('domcontentloaded');
  await opened.locator('h1', { hasText: SAMPLE_PAGE }).waitFor({ state: 'visible', timeout: 30_000 });
  await opened.screenshot({ path: join(h.resultsDir, 'browser-page.png') });
  await opened.close();
  t.diagnostic(`Open in Browser: ${url}`);

  // Stop, then remove with the confirmation.
  await contextMenu(page, containerRow, 'Stop');
  const stoppedRow = treeRow(page, 'Containers', name, /Exited|exited/);
  await stoppedRow.waitFor({ state: 'visible', timeout: 60_000 });
  await waitForTerminalText(page, new RegExp(`${name} stopped \\(exit code \\d+\\)`), 30_000);
  await h.screenshot('container-stopped');
  await contextMenu(page, stoppedRow, 'Remove...');
  const question = await answerDialog(page, 'Remove');
  assert.match(question, new RegExp(`Remove container "${name}"\\?`));
  await treeRow(page, 'Containers', name).waitFor({ state: 'hidden', timeout: 60_000 });
  await h.screenshot('container-removed');

  // And the image, from its context menu.
  await contextMenu(page, tagRow, 'Remove Image...');
  await answerDialog(page, 'Remove');
  await treeRow(page, 'Images', repo).waitFor({ state: 'hidden', timeout: 60_000 });
  await h.screenshot('image-removed');
}
