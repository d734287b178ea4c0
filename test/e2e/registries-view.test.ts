// Issue 18's Registries view on the bundled engine and on Docker Engine: a local docker-registry with htpasswd auth holds
// an image; "Berth: Log In to Registry" (kept in Berth's secret storage) makes the registry appear in
// the view; its repository and tag (with digest, size and age) are browsed with that login; the local
// copy is removed and "Pull" on the tag brings it back through the engine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../runtime/registry/helpers/local-registry.js';
import { BASE_IMAGE, ensureBaseImage, removeByPrefix } from './engine-fixtures.js';
import { Harness } from './harness.js';
import { engineCases } from './engine-cases.js';
import { DOCKER_SOCKET, requireE2e } from './prerequisites.js';
import { contextMenu, expandView, openQuickInput, treeRow, waitForNotification } from './workbench-actions.js';
import { escapeRegExp } from './workbench.js';

const USER = 'berth-view';
const PASSWORD = 'view-pw-not-logged-8';

const CASES = engineCases('registries-view');

for (const c of CASES) {
test(`Registries view on ${c.title}: log in, browse the registry to a tag with its digest, pull it from the view`, { timeout: 15 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, c.needs))) return;
  const binary = registryOrSkip();
  if ('skip' in binary) return void t.skip(binary.skip);
  const registry: LocalRegistry = await startLocalRegistry(binary.binary, { htpasswd: { username: USER, password: PASSWORD } });
  const h = await Harness.start({ name: c.name, engine: c.engine });
  const prefix = `berth-e2e-regview-${process.pid}`;
  const repository = `${prefix}/busybox`;
  const ref = `${registry.host}/${repository}:view`;
  const socket = c.engine === 'docker' ? DOCKER_SOCKET : h.engineSocket;
  const docker = new Docker({ socketPath: socket });
  try {
    await h.openBerthView();
    await h.waitForTreeItem('Engine', 'State', /^running$/, 90_000);
    await ensureBaseImage(socket);
    await docker.getImage(BASE_IMAGE).tag({ repo: `${registry.host}/${repository}`, tag: 'view' });
    const pushed = (await docker.getImage(ref).push({ authconfig: { username: USER, password: PASSWORD, serveraddress: registry.host } })) as unknown as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(pushed, (err: Error | null, out: { error?: string }[]) => {
      const failed = err?.message ?? out.find((o) => o.error)?.error;
      if (failed) reject(new Error(`push failed: ${failed}`));
      else resolve();
    }));
    await docker.getImage(ref).remove();
    const page = h.page;

    await logIn(h, registry.host);
    await expandView(page, 'Registries');
    const registryRow = treeRow(page, 'Registries', registry.host);
    await registryRow.waitFor({ state: 'visible', timeout: 60_000 });
    await registryRow.click();
    const repoRow = treeRow(page, 'Registries', repository);
    await repoRow.waitFor({ state: 'visible', timeout: 60_000 });
    await repoRow.click();
    const tagRow = treeRow(page, 'Registries', 'view', /[0-9a-f]{12}\s+\S+ [kM]B\s+/);
    await tagRow.waitFor({ state: 'visible', timeout: 60_000 });
    await h.screenshot('registry-browsed');

    await contextMenu(page, tagRow, 'Pull');
    await waitForNotification(page, new RegExp(`^Pulled ${escapeRegExp(ref)}\\.`), /^Could not pull/, 3 * 60_000);
    await h.screenshot('pulled-from-view');
    const image = await docker.getImage(ref).inspect();
    assert.ok(image.Id);
  } finally {
    await removeByPrefix(socket, prefix).catch(() => undefined);
    await h.close();
    await registry.stop().catch(() => undefined);
  }
});
}

async function logIn(h: Harness, host: string): Promise<void> {
  const page: Page = h.page;
  await h.runCommand('Berth: Log In to Registry...');
  await answerStep(page, host, /Log In to Registry \(1\/3\)/);
  await answerStep(page, USER, /\(2\/3\)/);
  await answerStep(page, PASSWORD, /\(3\/3\)/);
  const where = openQuickInput(page).filter({ hasText: /where should Berth keep the credentials/ });
  await where.locator('.monaco-list-row').filter({ hasText: 'Berth (VS Code secret storage)' }).first().click();
  await waitForNotification(page, new RegExp(`^Logged in to ${escapeRegExp(host)} as ${USER}\\.`), /^Could not log in|could not save/, 60_000);
}

/** One input box of several in a row (the next opens in the same widget), answered once its title is gone. */
async function answerStep(page: Page, value: string, title: RegExp): Promise<void> {
  const widget = openQuickInput(page).filter({ hasText: title });
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(value);
  await input.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 30_000 });
}
