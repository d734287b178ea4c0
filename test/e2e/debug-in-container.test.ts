// The inner loop in a real VS Code (issue 19), on the bundled engine: a small Node HTTP app with no
// Docker files; "Berth: Add Docker Files to Workspace" detects it and writes the Dockerfile,
// .dockerignore and the `berth` launch configuration; a breakpoint in the request handler; F5 builds
// the image (its base is a stand-in made from Debian's nodejs, tagged as the template's
// node:20-bookworm-slim), runs it with the inspector listening and attaches VS Code's JavaScript
// debugger; a request to the published port stops at the breakpoint with `req` in the Variables view;
// continue answers the request. Restart builds again: with nothing changed every step comes from the
// cache, the image and the container stay and the debugger attaches again; after an edit of server.js
// a new image runs in a new container and answers with the new code. Stop removes the container.
// Then the bad inputs: a port taken on the host, files and a launch configuration that exist.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import Docker from 'dockerode';
import { ensureStandInImage, ensureStandInTar } from '../helpers/stand-in-images.js';
import { Harness } from './harness.js';
import { requireE2e } from './prerequisites.js';
import { answerDialog, answerInputBox, clearNotifications, openFile, openQuickInput, waitForNotification } from './workbench-actions.js';
import { openViewContainer } from './workbench.js';

const SETTINGS = {
  'remote.autoForwardPorts': false,
  'debug.openDebug': 'openOnDebugBreak',
  'debug.showInStatusBar': 'always',
};

const SERVER = [
  "const http = require('node:http');",
  '',
  'const server = http.createServer((req, res) => {',
  '  const greeting = `hello ${req.url}`;',
  '  res.end(greeting);',
  '});',
  'server.listen(Number(process.env.PORT) || 3000);',
  '',
].join('\n');
const BREAKPOINT_LINE = 4;

function appFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-app-'));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'hello-node', version: '1.0.0', main: 'server.js' }, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify({ name: 'hello-node', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'hello-node', version: '1.0.0' } } }, null, 2)}\n`);
  writeFileSync(join(dir, 'server.js'), SERVER);
  return dir;
}

/** Opens Berth's walkthrough through "Welcome: Open Walkthrough..." (or brings its tab to the front); its steps. */
async function openWalkthrough(h: Harness): Promise<Locator> {
  await h.runCommand('Welcome: Open Walkthrough...');
  const row = openQuickInput(h.page).locator('.monaco-list-row').filter({ hasText: 'from an empty folder to a debugged container' }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
  const steps = h.page.locator('.getting-started-step');
  await steps.filter({ hasText: 'Add Docker files' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  return steps;
}

/**
 * Requests `path` until a request stops at the breakpoint (the debugger may attach a moment after the
 * container answers); resolves with that request's answer, still pending until Continue (in an
 * object: an async function would wait for a promise it returns).
 */
async function requestUntilPaused(h: Harness, port: number, path: string, ms = 120_000): Promise<{ answer: Promise<string> }> {
  const paused = h.page.locator('.part.sidebar').getByText('Paused on breakpoint', { exact: false }).first();
  const deadline = Date.now() + ms;
  let answer: Promise<string | undefined> | undefined;
  let settled = true;
  while (Date.now() < deadline) {
    if (settled) {
      settled = false;
      answer = fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.text(), () => undefined);
      void answer.then(() => { settled = true; });
    }
    if (await paused.waitFor({ state: 'visible', timeout: 2000 }).then(() => true, () => false)) return { answer: answer!.then((t) => t ?? '') };
    if (settled) await new Promise((r) => setTimeout(r, 1000));
  }
  await h.screenshot('no-break');
  assert.fail(`no request to 127.0.0.1:${port}${path} stopped at the breakpoint within ${ms / 1000} s`);
}

async function lastTagTime(docker: Docker, ref: string): Promise<string> {
  return ((await docker.getImage(ref).inspect()) as unknown as { Metadata?: { LastTagTime?: string } }).Metadata?.LastTagTime ?? '';
}

/** Waits until a build tags `ref` again (its LastTagTime moves past `before`); the new time. */
async function waitForTagAfter(docker: Docker, ref: string, before: string, ms = 180_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = await lastTagTime(docker, ref).catch(() => before);
    if (now !== before) return now;
    if (Date.now() > deadline) assert.fail(`no build tagged ${ref} again within ${ms / 1000} s of Restart`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function imageOf(docker: Docker, id: string): Promise<string> {
  return (await docker.getContainer(id).inspect()).Image;
}

async function debugContainers(docker: Docker): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: ['dev.berth.run=debug'] } });
}

test('F5 in a container: scaffold a Node app, break in the request handler, see req, continue, stop; the container is gone', { timeout: 25 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsBundledEngine: true }))) return;
  // Made before code-server starts: debootstrap takes minutes the first time, then it is cached.
  ensureStandInTar('node', (l) => console.log(`# ${l}`));
  const source = appFolder();
  const h = await Harness.start({ name: 'debug-in-container', settings: SETTINGS, workspaceSource: source });
  rmSync(source, { recursive: true, force: true });
  const page = h.page;
  const docker = new Docker({ socketPath: h.engineSocket });
  try {
    await h.openBerthView();
    const rows = await h.waitForTreeItem('Engine', 'State', /^(running|unreachable)$/, 90_000);
    const engine = new Map(rows.map((r) => [r.label, r.description]));
    assert.equal(engine.get('State'), 'running', `the engine is not running: ${engine.get('Reason') ?? JSON.stringify(rows)}`);
    await ensureStandInImage(h.engineSocket, 'node');

    // Opened first, as a new user would: VS Code starts tracking a walkthrough's steps when its
    // service starts, which the first opening of a walkthrough does.
    await t.test('the walkthrough names the engine in use', async () => {
      const steps = await openWalkthrough(h);
      await h.screenshot('walkthrough-start');
      const titles = await steps.allInnerTexts();
      assert.ok(titles.some((x) => /Berth is using its bundled engine/.test(x)), `the bundled engine step: ${JSON.stringify(titles)}`);
      assert.ok(!titles.some((x) => /Berth is using the engine of your setting/.test(x)), 'only the step of the engine in use');
    });

    await t.test('Add Docker Files to Workspace detects Node.js and writes the files and the launch configuration', async () => {
      await openViewContainer(page, 'Explorer');
      await h.runCommand('Berth: Add Docker Files to Workspace');
      // The port's input box; the compose question follows in the same quick input at once.
      const portInput = openQuickInput(page).filter({ hasText: /Add Docker Files: Node\.js/ }).locator('input.input');
      await portInput.waitFor({ state: 'visible', timeout: 60_000 });
      await portInput.fill('3000');
      await portInput.press('Enter');
      const no = openQuickInput(page).locator('.monaco-list-row').filter({ hasText: 'Only the Dockerfile' }).first();
      await no.waitFor({ state: 'visible', timeout: 30_000 });
      await h.screenshot('compose-question');
      await no.click();
      await waitForNotification(page, /Wrote Dockerfile, \.dockerignore and the launch configuration/, /Could not|failed/i, 60_000);
      await h.screenshot('files-written');
      const dockerfile = readFileSync(join(h.workspace, 'Dockerfile'), 'utf8');
      assert.match(dockerfile, /^FROM node:20-bookworm-slim AS deps$/m);
      assert.match(dockerfile, /^CMD \["node", "server\.js"\]$/m);
      assert.match(readFileSync(join(h.workspace, '.dockerignore'), 'utf8'), /^node_modules$/m);
      // VS Code writes launch.json with comments allowed; this one has none.
      const launch = JSON.parse(readFileSync(join(h.workspace, '.vscode', 'launch.json'), 'utf8')) as { configurations: Record<string, unknown>[] };
      assert.equal(launch.configurations.length, 1);
      assert.equal(launch.configurations[0].type, 'berth');
      assert.equal(launch.configurations[0].platform, 'node');
      await clearNotifications(page);
    });

    let appPort = 0;
    await t.test('F5 builds, runs and attaches; a request stops at the breakpoint with req in Variables', async () => {
      await openFile(page, 'server.js');
      // Go to Line is the quick input's `:` mode.
      await page.keyboard.press('Control+G');
      await answerInputBox(page, `:${BREAKPOINT_LINE}`);
      await page.keyboard.press('F9');
      await page.locator('.codicon-debug-breakpoint').first().waitFor({ state: 'visible', timeout: 30_000 });
      await h.screenshot('breakpoint-set');

      await page.keyboard.press('F5');
      // The debug toolbar appears once js-debug has attached.
      const deadline = Date.now() + 10 * 60_000;
      let running: Docker.ContainerInfo | undefined;
      while (Date.now() < deadline) {
        if (page.isClosed()) assert.fail('the browser page closed while waiting for the debug session');
        running = (await debugContainers(docker)).find((c) => c.State === 'running');
        if (running && (await page.locator('.debug-toolbar').isVisible().catch(() => false))) break;
        const failed = await page.locator('.notification-list-item-message', { hasText: /Could not|did not answer|exited|is wrong/ }).first().textContent({ timeout: 500 }).catch(() => null);
        if (failed) {
          await h.screenshot('debug-failed');
          assert.fail(`F5 failed: ${failed}`);
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.ok(running, 'a debug container runs');
      await h.screenshot('attached');
      appPort = running.Ports.find((p) => p.PrivatePort === 3000)?.PublicPort ?? 0;
      assert.ok(appPort > 0, `the app port is published: ${JSON.stringify(running.Ports)}`);

      const { answer } = await requestUntilPaused(h, appPort, '/from-e2e');
      // js-debug leaves the Local scope collapsed here: open it.
      const local = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: /^\s*Local\s*$/ }).first();
      await local.waitFor({ state: 'visible', timeout: 30_000 });
      if ((await local.getAttribute('aria-expanded')) !== 'true') await local.click();
      const req = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: /^\s*req\b/ }).first();
      await req.waitFor({ state: 'visible', timeout: 60_000 }).catch(async (err: unknown) => {
        await h.screenshot('no-break');
        throw err;
      });
      await h.screenshot('stopped-at-breakpoint');
      const reqText = await req.innerText();
      assert.match(reqText, /IncomingMessage/, reqText);
      // Paused on the handler's line in server.js.
      await page.locator('.editor-group-container .tab.active', { hasText: 'server.js' }).first().waitFor({ state: 'visible', timeout: 10_000 });

      await page.keyboard.press('F5');
      assert.equal(await answer, 'hello /from-e2e');
      await h.screenshot('continued');

      // Restart with nothing changed: a build runs (the image is tagged again), every step from the
      // cache, so the same image in the same container, and the debugger attaches to it again.
      const imageBefore = await imageOf(docker, running.Id);
      let tagged = await lastTagTime(docker, 'hello-node:dev');
      await h.runCommand('Debug: Restart');
      tagged = await waitForTagAfter(docker, 'hello-node:dev', tagged);
      assert.equal((await docker.getImage('hello-node:dev').inspect()).Id, imageBefore, 'the same image after a build with nothing changed');
      const { answer: again } = await requestUntilPaused(h, appPort, '/again');
      await h.screenshot('restarted-unchanged');
      const after = (await debugContainers(docker)).filter((c) => c.State === 'running');
      assert.deepEqual(after.map((c) => c.Id), [running.Id], 'the same container runs after a Restart with nothing changed');
      await page.keyboard.press('F5');
      assert.equal(await again, 'hello /again');

      // An edit, then Restart: a new image in a new container, on the same host port; the new code answers.
      writeFileSync(join(h.workspace, 'server.js'), SERVER.replace('`hello ${req.url}`', '`changed ${req.url}`'));
      await h.runCommand('Debug: Restart');
      await waitForTagAfter(docker, 'hello-node:dev', tagged);
      const replacedBy = Date.now() + 120_000;
      let now = (await debugContainers(docker)).filter((c) => c.State === 'running');
      while (!(now.length === 1 && now[0].Id !== running.Id) && Date.now() < replacedBy) {
        await new Promise((r) => setTimeout(r, 500));
        now = (await debugContainers(docker)).filter((c) => c.State === 'running');
      }
      assert.equal(now.length, 1, `one debug container runs: ${JSON.stringify(now.map((c) => c.Names))}`);
      assert.notEqual(now[0].Id, running.Id, 'the container was replaced');
      assert.notEqual(await imageOf(docker, now[0].Id), imageBefore, 'the image changed');
      const { answer: replaced } = await requestUntilPaused(h, appPort, '/edited');
      await h.screenshot('restarted-edited');
      assert.equal((await debugContainers(docker)).length, 1, 'the old container is gone');
      await page.keyboard.press('F5');
      assert.equal(await replaced, 'changed /edited');
    });

    await t.test('the walkthrough has checked off adding Docker files and debugging', async () => {
      const steps = await openWalkthrough(h);
      await h.screenshot('walkthrough-done');
      // A step's check mark is a codicon with the class `complete`.
      const n = await steps.count();
      const states: string[] = [];
      for (let i = 0; i < n; i++) {
        states.push(`${(await steps.nth(i).innerText()).split('\n')[0]}: ${(await steps.nth(i).locator('.codicon.complete').count()) > 0 ? 'done' : 'open'}`);
      }
      for (const done of ['Add Docker files', 'Debug it in its container: F5']) {
        assert.ok(states.includes(`${done}: done`), `"${done}" is checked off: ${JSON.stringify(states)}`);
      }
    });

    await t.test('stopping the session removes the container', async () => {
      await page.keyboard.press('Shift+F5');
      const deadline = Date.now() + 60_000;
      let left = await debugContainers(docker);
      while (left.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        left = await debugContainers(docker);
      }
      await h.screenshot('stopped');
      assert.deepEqual(left.map((c) => c.Names), [], 'no debug container is left');
    });

    await t.test('bad input: a taken port is replaced and said so; existing files are kept unless you say so', async () => {
      const dockerfile = join(h.workspace, 'Dockerfile');
      writeFileSync(dockerfile, `${readFileSync(dockerfile, 'utf8')}# mine\n`);
      const srv = net.createServer();
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      const taken = (srv.address() as net.AddressInfo).port;
      try {
        await clearNotifications(page);
        await h.runCommand('Berth: Add Docker Files to Workspace');
        const portInput = openQuickInput(page).filter({ hasText: /Add Docker Files: Node\.js/ }).locator('input.input');
        await portInput.waitFor({ state: 'visible', timeout: 60_000 });
        await portInput.fill(String(taken));
        await portInput.press('Enter');
        const yes = openQuickInput(page).locator('.monaco-list-row').filter({ hasText: 'Also write compose.yaml' }).first();
        await yes.waitFor({ state: 'visible', timeout: 30_000 });
        await yes.click();
        assert.match(await answerDialog(page, 'Keep'), /Dockerfile already exists in workspace\. Overwrite it\?/);
        assert.match(await answerDialog(page, 'Keep'), /\.dockerignore already exists/);
        assert.match(await answerDialog(page, 'Replace'), /launch\.json already has "Berth: Debug Node\.js in a Container"\. Replace it\?/);
        const note = await waitForNotification(page, new RegExp(`Port ${taken} is already taken on this machine`), /Could not|failed/i, 30_000);
        const noteText = (await note.innerText()).trim();
        const used = Number(/publish the app on (\d+) instead/.exec(noteText)?.[1]);
        assert.ok(used > 0 && used !== taken, noteText);
        await waitForNotification(page, /Wrote compose\.yaml and the launch configuration .*Kept the existing Dockerfile, \.dockerignore\./, /Could not|failed/i, 30_000);
        await h.screenshot('bad-input-kept');
        assert.match(readFileSync(dockerfile, 'utf8'), /# mine\n$/, 'the Dockerfile is kept as it was');
        assert.match(readFileSync(join(h.workspace, 'compose.yaml'), 'utf8'), new RegExp(`"127\\.0\\.0\\.1:${used}:${taken}"`));
        const launch = JSON.parse(readFileSync(join(h.workspace, '.vscode', 'launch.json'), 'utf8')) as { configurations: Record<string, unknown>[] };
        assert.equal(launch.configurations.length, 1);
        assert.equal(launch.configurations[0].hostPort, used);
      } finally {
        srv.close();
      }
    });
  } finally {
    for (const c of await debugContainers(docker).catch(() => [])) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    await h.close();
  }
});
