// Issue 18 inside a container, on the bundled engine: a `berth-run` task of tasks.json starts the
// container; Browse Files from the Containers view, open a file from the Container Files view
// (its text in the editor; edited, saved, and read back inside the container); Upload... a workspace
// file into a folder (read back with exec, its mode kept), New Folder, Rename and Delete from the view's
// menus; with berth.containers.showStats on, the container's row shows its CPU and memory; and Show
// Stats (a live panel titled after the container).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import Docker from 'dockerode';
import { ensureBaseImage, removeByPrefix } from './engine-fixtures.js';
import { Harness, SAMPLE } from './harness.js';
import { requireE2e } from './prerequisites.js';
import { answerDialog, answerInputBox, contextMenu, editorLines, expandView, openQuickInput, treeRow, waitForNotification, waitForTerminalText } from './workbench-actions.js';
import { treeOfView } from './workbench.js';

test('a berth-run task starts a container, its row shows CPU and memory; Browse Files opens a file inside it, an edit is saved into it; a file is uploaded, a folder made, a file renamed and deleted; Show Stats opens its live panel', { timeout: 10 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsBundledEngine: true }))) return;
  const prefix = `berth-e2e-inside-${process.pid}`;
  const name = `${prefix}-box`;
  const source = mkdtempSync(join(tmpdir(), 'berth-e2e-inside-src-'));
  cpSync(SAMPLE, source, { recursive: true });
  mkdirSync(join(source, '.vscode'), { recursive: true });
  writeFileSync(join(source, '.vscode', 'tasks.json'), JSON.stringify({
    version: '2.0.0',
    tasks: [{
      type: 'berth-run', label: 'run the box', image: 'busybox:latest', name, replace: true, env: ['GREETING=hello from inside'],
      command: 'sh -c \'mkdir -p /srv && echo "$GREETING" > /srv/greeting.txt && trap "exit 0" TERM; while true; do sleep 1; done\'',
      problemMatcher: [],
    }],
  }, null, 2));
  writeFileSync(join(source, 'upload-me.sh'), '#!/bin/sh\necho uploaded from the workspace\n', { mode: 0o755 });
  const h = await Harness.start({ name: 'container-inside', workspaceSource: source, settings: { 'terminal.integrated.gpuAcceleration': 'off', 'berth.containers.showStats': true } });
  try {
    await h.openBerthView();
    await h.waitForTreeItem('Engine', 'State', /^running$/, 90_000);
    await ensureBaseImage(h.engineSocket);
    const page = h.page;
    await h.runCommand('Tasks: Run Task');
    await openQuickInput(page).locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^\s*run the box\s*$/ }) }).first().click();
    await waitForTerminalText(page, new RegExp(`Started ${name} from busybox:latest`), 2 * 60_000);
    const info = await new Docker({ socketPath: h.engineSocket }).getContainer(name).inspect();
    assert.ok(info.State.Running);
    assert.ok(info.Config.Env.includes('GREETING=hello from inside'));
    const row = treeRow(page, 'Containers', name);
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    // berth.containers.showStats is on: the running container's row gets its CPU and memory.
    await treeRow(page, 'Containers', name, /^\s*\d+(\.\d)?% · \d+(\.\d)? (B|kB|MB)\s+·\s+Up /).waitFor({ state: 'visible', timeout: 60_000 });

    await contextMenu(page, row, 'Browse Files');
    // The command reveals the view; its header then names the container. Expand it only if it still is not.
    await page.locator('.part.sidebar .pane-header').filter({ hasText: name }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(500);
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
    // Edit and save: the container reads the new text (PUT /archive).
    await page.locator('.editor-group-container.active .view-lines').getByText('hello from inside').first().click();
    await page.keyboard.press('End');
    await page.keyboard.type(', edited in VS Code');
    await page.keyboard.press('Control+S');
    const failed = page.locator('.notification-list-item-message', { hasText: /Failed to save/ }).first();
    if (await failed.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) {
      throw new Error(`the save failed: ${await failed.getAttribute('aria-label') ?? await failed.innerText()}`);
    }
    const box = new Docker({ socketPath: h.engineSocket }).getContainer(name);
    const exec = await box.exec({ Cmd: ['cat', '/srv/greeting.txt'], AttachStdout: true, AttachStderr: true });
    const out: Buffer[] = [];
    await new Promise<void>((resolve) => void exec.start({}).then((st) => { st.on('data', (d: Buffer) => out.push(d)); st.on('end', () => resolve()); }));
    assert.match(Buffer.concat(out).toString(), /hello from inside, edited in VS Code/);
    await h.screenshot('container-file-saved');

    // Upload... on the srv folder: the (simple) open dialog takes the workspace file's path.
    await contextMenu(page, srv, 'Upload...');
    await answerOpenDialog(page, join(h.workspace, 'upload-me.sh'), /Upload into \/srv/);
    const done = await waitForNotification(page, /Uploaded \d+ files? /, /Could not upload/, 60_000);
    assert.match(await done.innerText(), /Uploaded 1 file into \/srv\./);
    assert.equal(await inside(box, 'sh /srv/upload-me.sh; stat -c %a /srv/upload-me.sh'), 'uploaded from the workspace\n755\n');
    const uploaded = treeRow(page, 'Container Files', 'upload-me.sh');
    await scrollTo(page, 'Container Files', uploaded);
    // New Folder, then Rename and Delete from the rows' menus; the view follows each change.
    await scrollTo(page, 'Container Files', srv);
    await contextMenu(page, srv, 'New Folder...');
    await answerInputBox(page, 'made-here', /New Folder in \/srv/);
    await h.screenshot('container-folder-made');
    await expand(page, srv);
    await scrollTo(page, 'Container Files', treeRow(page, 'Container Files', 'made-here'));
    await scrollTo(page, 'Container Files', uploaded);
    await contextMenu(page, uploaded, 'Rename...');
    await answerInputBox(page, 'renamed.sh', /Rename \/srv\/upload-me.sh/);
    const renamed = treeRow(page, 'Container Files', 'renamed.sh');
    await expand(page, srv);
    await scrollTo(page, 'Container Files', renamed);
    await scrollTo(page, 'Container Files', renamed);
    await contextMenu(page, renamed, 'Delete');
    assert.match(await answerDialog(page, 'Delete'), /Delete \/srv\/renamed.sh from the container/);
    await renamed.waitFor({ state: 'hidden', timeout: 30_000 });
    assert.equal(await inside(box, 'ls -p /srv'), 'greeting.txt\nmade-here/\n');
    await h.screenshot('container-files-changed');

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
    rmSync(source, { recursive: true, force: true });
  }
});

/**
 * Picks a file in the (simple, quick-input) open dialog of code-server: its path typed, then Enter once the
 * dialog has taken the value in (an Enter right after typing can accept the folder it showed before).
 */
async function answerOpenDialog(page: Page, path: string, title: RegExp): Promise<void> {
  const widget = openQuickInput(page).filter({ hasText: title });
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  // The dialog writes its starting folder into the box once it has listed it: type after that, and
  // again if it overwrote the path anyway.
  for (let i = 0; i < 50 && !(await input.inputValue()).endsWith('/'); i++) await page.waitForTimeout(100);
  for (let attempt = 0; ; attempt++) {
    await input.fill(path);
    await page.waitForTimeout(1_000);
    if ((await input.inputValue()) === path) break;
    if (attempt === 4) throw new Error(`the open dialog kept replacing ${path} with ${await input.inputValue()}`);
  }
  await input.press('Enter');
  const gone = (ms: number) => widget.waitFor({ state: 'hidden', timeout: ms }).then(() => true, () => false);
  if (!(await gone(5_000))) {
    await input.press('Enter');
    if (!(await gone(10_000))) throw new Error(`the open dialog did not take ${path}: ${await widget.innerText().catch(() => '')}`);
  }
}

/** Expands a folder row that a refresh (or a stray Enter from a closing input box) left collapsed. */
async function expand(page: Page, row: Locator): Promise<void> {
  await scrollTo(page, 'Container Files', row);
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
}

/** What a shell command prints inside the container. */
async function inside(box: Docker.Container, script: string): Promise<string> {
  const exec = await box.exec({ Cmd: ['sh', '-c', script], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  box.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve) => stream.on('end', () => resolve()));
  return Buffer.concat(chunks).toString();
}

/** Trees render only the rows in sight: wheel down the view until `row` is there (a root has ~20 folders). */
async function scrollTo(page: Page, viewName: string, row: Locator): Promise<void> {
  const tree = treeOfView(page, viewName);
  await tree.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  if (await row.isVisible().catch(() => false)) return;
  await tree.hover();
  await page.mouse.wheel(0, -5000);
  await page.waitForTimeout(200);
  for (let i = 0; i < 30; i++) {
    if (await row.isVisible().catch(() => false)) return;
    await tree.hover();
    await page.mouse.wheel(0, 60);
    await page.waitForTimeout(200);
  }
  await row.waitFor({ state: 'visible', timeout: 10_000 });
}
