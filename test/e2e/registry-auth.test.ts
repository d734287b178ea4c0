// Issue 18: private registries from Berth's UI. A local docker-registry with htpasswd (bcrypt) auth on
// 127.0.0.1; a push before logging in is refused with the way to log in; "Berth: Log In to Registry"
// through its input boxes, push from the Images view, remove, pull back; "Berth: Log Out of Registry",
// and the pull is refused again with the hint. On the bundled engine and on Docker Engine (which
// allows plain HTTP to 127.0.0.0/8 by default), neither of which remembers a login.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../runtime/registry/helpers/local-registry.js';
import { BASE_IMAGE, ensureBaseImage, removeByPrefix } from './engine-fixtures.js';
import { Harness } from './harness.js';
import { engineCases } from './engine-cases.js';
import { DOCKER_SOCKET, requireE2e } from './prerequisites.js';
import { answerDialog, answerInputBox, contextMenu, expandUntilVisible, openQuickInput, treeRow, waitForNotification } from './workbench-actions.js';
import { escapeRegExp } from './workbench.js';

const USER = 'berth-e2e';
const PASSWORD = 'pw-not-in-any-log-42';

const CASES = engineCases('registry-auth');

for (const c of CASES) {
  test(`private registry on ${c.title}: refused push, log in, push, remove, pull, log out, refused pull`, { timeout: 15 * 60_000 }, async (t) => {
    if (!(await requireE2e(t, c.needs))) return;
    const binary = registryOrSkip();
    if ('skip' in binary) return void t.skip(binary.skip);
    const registry: LocalRegistry = await startLocalRegistry(binary.binary, { htpasswd: { username: USER, password: PASSWORD } });
    const h = await Harness.start({ name: c.name, engine: c.engine });
    const socket = c.engine === 'docker' ? DOCKER_SOCKET : h.engineSocket;
    const prefix = `berth-e2e-${c.name}-${process.pid}`;
    const repo = `${registry.host}/${prefix}/busybox`;
    const ref = `${repo}:private`;
    try {
      await h.openBerthView();
      const rows = await h.waitForTreeItem('Engine', 'State', /^(running|unreachable)$/, 90_000);
      assert.equal(new Map(rows.map((r) => [r.label, r.description])).get('State'), 'running', `the engine is not running: ${JSON.stringify(rows)}`);
      await ensureBaseImage(socket);
      const [repoName, tag] = [ref.slice(0, ref.lastIndexOf(':')), 'private'];
      await new Docker({ socketPath: socket }).getImage(BASE_IMAGE).tag({ repo: repoName, tag });
      const page = h.page;
      const repoRow = treeRow(page, 'Images', repo);
      await repoRow.waitFor({ state: 'visible', timeout: 60_000 });
      const tagRow = page.locator(`.monaco-list[aria-label="Images"] .monaco-list-row[aria-label^="${ref},"]`).first();
      await expandUntilVisible(repoRow, tagRow);

      // Before logging in: refused, and the message says how to log in.
      await contextMenu(page, tagRow, 'Push Image');
      await waitForNotification(page, /^Could not push [\s\S]*log in with "Berth: Log In to Registry"/, /^Pushed /, 2 * 60_000);
      await h.screenshot('push-refused');
      await clearAll(h);

      // Log In: a wrong password is refused by the engine's check (berthd and dockerd word it differently).
      await logIn(h, registry.host, 'not-the-password');
      const refused = await waitForNotification(page, new RegExp(`^Could not log in to ${escapeRegExp(registry.host)}: .*(incorrect username or password|401 Unauthorized)`), /^Logged in/, 60_000);
      await clearAll(h);
      await refused.waitFor({ state: 'hidden', timeout: 30_000 });
      await logIn(h, registry.host, PASSWORD);
      const where = openQuickInput(page).filter({ hasText: /where should Berth keep the credentials/ });
      await where.locator('.monaco-list-row').filter({ hasText: 'Berth (VS Code secret storage)' }).first().click();
      await waitForNotification(page, new RegExp(`^Logged in to ${escapeRegExp(registry.host)} as ${USER}\\.`), /^Logged in .* but could not save/, 60_000);
      await clearAll(h);

      await contextMenu(page, tagRow, 'Push Image');
      await waitForNotification(page, new RegExp(`^Pushed ${escapeRegExp(ref)}\\.`), /^Could not push/, 3 * 60_000);
      await h.screenshot('pushed');
      await clearAll(h);

      await contextMenu(page, tagRow, 'Remove Image...');
      await answerDialog(page, 'Remove');
      await repoRow.waitFor({ state: 'hidden', timeout: 60_000 });

      await h.runCommand('Berth: Pull Image...');
      await answerInputBox(page, ref, /Pull Image/);
      await waitForNotification(page, new RegExp(`^Pulled ${escapeRegExp(ref)}\\.`), /^Could not pull/, 3 * 60_000);
      await repoRow.waitFor({ state: 'visible', timeout: 60_000 });
      await h.screenshot('pulled');
      await clearAll(h);

      // Log Out (Berth's is the only login for this registry), then the pull is refused with the hint.
      await h.runCommand('Berth: Log Out of Registry...');
      const pick = openQuickInput(page).locator('.monaco-list-row').filter({ hasText: registry.host }).first();
      // With other logins known (the docker config of this machine), the command asks which one.
      const picked = await pick.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
      if (picked) await pick.click();
      await waitForNotification(page, new RegExp(`^Logged out of ${escapeRegExp(registry.host)} \\(Berth`), /^Could not log out/, 60_000);
      await clearAll(h);
      await new Docker({ socketPath: socket }).getImage(ref).remove();
      await h.runCommand('Berth: Pull Image...');
      await answerInputBox(page, ref, /Pull Image/);
      await waitForNotification(page, /^Could not pull [\s\S]*log in with "Berth: Log In to Registry"/, /^Pulled /, 2 * 60_000);
      await h.screenshot('pull-refused-after-logout');
    } finally {
      await removeByPrefix(socket, prefix).catch(() => undefined);
      await h.close();
      await registry.stop().catch(() => undefined);
    }
  });
}

/**
 * Every toast gone before the next step, so an earlier "Pulled" cannot answer for a later pull: the
 * workbench's own command, since a toast's clear button only shows under the mouse.
 */
async function clearAll(h: Harness): Promise<void> {
  await h.runCommand('Notifications: Clear All Notifications');
  await h.page.locator('.notification-toast-container .notification-list-item').first().waitFor({ state: 'hidden', timeout: 30_000 });
}

async function logIn(h: Harness, host: string, password: string): Promise<void> {
  const page: Page = h.page;
  await h.runCommand('Berth: Log In to Registry...');
  await answerStep(page, host, /Log In to Registry \(1\/3\)/);
  await answerStep(page, USER, /\(2\/3\)/);
  await answerStep(page, password, /\(3\/3\)/);
}

/**
 * One input box of several in a row: the next opens in the same widget right away, so "the widget is
 * hidden" may never be seen; the step is answered once no open box shows its title any more.
 */
async function answerStep(page: Page, value: string, title: RegExp): Promise<void> {
  const widget = openQuickInput(page).filter({ hasText: title });
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(value);
  await input.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 30_000 }).catch(async (err: unknown) => {
    const message = await widget.locator('.quick-input-message').innerText().catch(() => '');
    throw new Error(`the input box ${title} did not take the value: ${message || String(err)}`);
  });
}
