// Issue 15 in VS Code, on the bundled engine and on Docker Engine (through BuildKit: Debian's 20.10
// client, /usr/bin/docker, named by berth.build.dockerCli): "Berth: Build Image with Options..." from the palette,
// with a tag, a target stage picked from the Dockerfile's stages, a build arg offered from its ARG and
// a secret offered from its RUN --mount=type=secret (read from a file); the build only succeeds when
// the step sees both. Then the `berth-build` tasks of tasks.json: one builds with the same options,
// one fails in the last stage and the `$berth-build` problem matcher puts the failure on its line.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { ensureBaseImage, removeByPrefix } from './engine-fixtures.js';
import { Harness } from './harness.js';
import { engineCases } from './engine-cases.js';
import { DOCKER_SOCKET, requireE2e } from './prerequisites.js';
import { contextMenu, expandUntilVisible, openQuickInput, treeRow, waitForNotification, waitForProblem, waitForTerminalText } from './workbench-actions.js';
import { escapeRegExp } from './workbench.js';

const SECRET = 'e2e-secret-never-in-a-layer-91c';
const prefix = `berth-e2e-buildopts-${process.pid}`;

function workspaceSource(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-buildopts-src-'));
  const digest = createHash('sha256').update(SECRET).digest('hex');
  writeFileSync(join(dir, 'Dockerfile'), [
    'FROM busybox:latest AS base',
    'ARG GREETING=unset',
    'RUN test "$GREETING" = hi && echo "$GREETING" > /greeting',
    `RUN --mount=type=secret,id=token,required=true test "$(sha256sum < /run/secrets/token | cut -d' ' -f1)" = ${digest}`,
    'FROM base AS final',
    'RUN echo "the final stage fails on purpose" && false',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'token.txt'), SECRET);
  mkdirSync(join(dir, '.vscode'));
  const task = (label: string, tag: string, target?: string) => ({
    type: 'berth-build', label, dockerfile: 'Dockerfile', tag, ...(target ? { target } : {}),
    buildArgs: { GREETING: 'hi' }, secrets: ['id=token,src=token.txt'], problemMatcher: '$berth-build',
  });
  writeFileSync(join(dir, '.vscode', 'tasks.json'), JSON.stringify({
    version: '2.0.0',
    tasks: [task('build base stage', `${prefix}-task:1`, 'base'), task('build final stage', `${prefix}-task:2`)],
  }, null, 2));
  return dir;
}

/** Picks the row of the open quick pick (titled `title`, when given) whose label is `label`. */
async function pick(page: Page, title: RegExp | undefined, label: string): Promise<void> {
  const widget = title ? openQuickInput(page).filter({ hasText: title }) : openQuickInput(page);
  const row = widget.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

/** Answers VS Code's Go to Line box (Ctrl+G): `line:column`. */
async function answerGoToLine(page: Page, where: string): Promise<void> {
  const input = openQuickInput(page).locator('input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(`:${where}`);
  await input.press('Enter');
}

/** Fills the open input box titled `title` and presses Enter. */
async function answer(page: Page, title: RegExp, value: string): Promise<void> {
  const input = openQuickInput(page).filter({ hasText: title }).locator('input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(value);
  await input.press('Enter');
}

const CASES = engineCases('build-options', 'Docker Engine (BuildKit)');

for (const c of CASES) {
  test(`build with options from the palette, and berth-build tasks from tasks.json, on ${c.title}`, { timeout: 15 * 60_000 }, async (t) => {
    if (!(await requireE2e(t, c.needs))) return;
    const source = workspaceSource();
    const h = await Harness.start({
      name: c.name, engine: c.engine, workspaceSource: source,
      settings: { 'terminal.integrated.gpuAcceleration': 'off', 'berth.build.dockerCli': '/usr/bin/docker' },
    });
    const page = h.page;
    const socket = c.engine === 'docker' ? DOCKER_SOCKET : h.engineSocket;
    const docker = new Docker({ socketPath: socket });
    try {
      await h.openBerthView();
      await h.waitForTreeItem('Engine', 'State', /^running$/, 90_000);
      await ensureBaseImage(socket);

      await t.test('Build Image with Options: tag, target, build arg and secret picked in the options step', async () => {
        const menu = /Build Dockerfile: options/;
        await h.runCommand('Berth: Build Image with Options...');
        await pick(page, menu, 'Tag');
        await answer(page, /options: tag/, `${prefix}:1`);
        await pick(page, menu, 'Target stage');
        await pick(page, /options: target stage/, 'base');
        await pick(page, menu, 'Build args');
        await pick(page, /options: build args/, 'GREETING');
        await answer(page, /options: build args/, 'GREETING=hi');
        await pick(page, /options: build args/, 'Done');
        await pick(page, menu, 'Secrets');
        await pick(page, /options: secrets/, 'token');
        await answer(page, /options: secrets/, 'id=token,src=token.txt');
        await pick(page, /options: secrets/, 'Done');
        // The menu shows what is set before building.
        const build = openQuickInput(page).filter({ hasText: menu }).locator('.monaco-list-row').first();
        await build.filter({ hasText: 'target base; build args GREETING; secrets token' }).waitFor({ state: 'visible', timeout: 30_000 });
        await h.screenshot('options-step');
        await pick(page, menu, 'Build');
        await waitForNotification(page, new RegExp(`^Built ${escapeRegExp(prefix)}:1\\.`), /^Could not build/, 5 * 60_000);
        await h.screenshot('built-with-options');
        const history = JSON.stringify(await docker.getImage(`${prefix}:1`).history());
        assert.ok(!history.includes(SECRET), 'the secret is in no layer of the history');
      });

      await t.test('the options are remembered: Build Image offers the tag and builds with them on Enter', async () => {
        await h.runCommand('Notifications: Clear All Notifications');
        await h.runCommand('Berth: Build Image...');
        const box = openQuickInput(page).filter({ hasText: /Build Dockerfile/ });
        await box.filter({ hasText: /Options: target base; build args GREETING; secrets token/ }).waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await box.locator('input.input').inputValue(), `${prefix}:1`);
        await h.screenshot('tag-box-remembers');
        await box.locator('input.input').press('Enter');
        await waitForNotification(page, new RegExp(`^Built ${escapeRegExp(prefix)}:1\\.`), /^Could not build/, 5 * 60_000);
      });

      await t.test('Show Image History links the built layers to their Dockerfile lines', async () => {
        await h.runCommand('Notifications: Clear All Notifications');
        const repoRow = treeRow(page, 'Images', prefix);
        await repoRow.waitFor({ state: 'visible', timeout: 60_000 });
        const tagRow = page.locator(`.monaco-list[aria-label="Images"] .monaco-list-row[aria-label^="${prefix}:1,"]`).first();
        await expandUntilVisible(repoRow, tagRow);
        await contextMenu(page, tagRow, 'Show Image History');
        const editor = page.locator('.editor-group-container.active .monaco-editor');
        await editor.getByText('CREATED BY links to the line', { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
        // The newest layer is the RUN --mount=type=secret step, line 4 of the Dockerfile.
        const link = editor.locator('.view-line .detected-link').first();
        await link.waitFor({ state: 'visible', timeout: 60_000 });
        await h.screenshot('history-links');
        // Open it from the keyboard (a click on a link is flaky while hovers come and go): the cursor into
        // the CREATED BY column of the newest row, then "Open Link".
        await editor.getByText('History of', { exact: false }).first().click();
        await page.keyboard.press('Control+G');
        await answerGoToLine(page, '4:60');
        await h.runCommand('Open Link');
        await page.locator('.editor-group-container.active .tab.active', { hasText: 'Dockerfile' }).first().waitFor({ state: 'visible', timeout: 30_000 });
        await page.locator('.statusbar-item', { hasText: /^Ln 4, Col 1$/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
        await h.screenshot('history-link-opened');
      });

      await t.test('the berth-build task of tasks.json builds with its build arg and secret', async () => {
        await h.runCommand('Notifications: Clear All Notifications');
        await h.runCommand('Tasks: Run Task');
        await pick(page, undefined, 'build base stage');
        const text = await waitForTerminalText(page, new RegExp(`Built ${escapeRegExp(prefix)}-task:1`), 5 * 60_000);
        await h.screenshot('task-built');
        // BuildKit's longer output scrolls the step out of the terminal's visible rows; the legacy output keeps it.
        if (!c.engine) assert.match(text, /RUN --mount=type=secret,id=token/);
        assert.ok(!text.includes(SECRET));
        await docker.getImage(`${prefix}-task:1`).inspect();
      });

      await t.test('a failing berth-build task puts its error on the Dockerfile line through $berth-build', async () => {
        await h.runCommand('Tasks: Run Task');
        await pick(page, undefined, 'build final stage');
        await waitForTerminalText(page, /Dockerfile:6:1: error: /, 5 * 60_000);
        const problem = await waitForProblem(page, /returned a non-zero code|exit code/, 60_000);
        await h.screenshot('task-failed-problem');
        assert.match(problem, /Dockerfile|6/);
      });
    } finally {
      await removeByPrefix(socket, prefix).catch(() => undefined);
      await h.close();
      rmSync(source, { recursive: true, force: true });
    }
  });
}
