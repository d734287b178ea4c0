// The Berth activity-bar container opens and its Engine view shows the bundled engine running.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Harness } from './harness.js';
import { requireE2e } from './prerequisites.js';

test('the Berth view container opens and the Engine view shows the bundled engine running', { timeout: 15 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsBundledEngine: true }))) return;
  const h = await Harness.start({ name: 'engine-view' });
  try {
    const icon = h.berthActivityItem();
    await icon.waitFor({ state: 'visible', timeout: 60_000 });
    await h.screenshot('workbench');
    assert.equal(await icon.locator('a.action-label').getAttribute('aria-label'), 'Berth');
    await h.openBerthView();
    assert.equal(await icon.getAttribute('aria-selected'), 'true');
    await h.screenshot('berth-view-open');

    // Running or unreachable are where the connection settles; unreachable comes with a Reason row.
    const rows = await h.waitForTreeItem('Engine', 'State', /^(running|unreachable)$/, 90_000);
    await h.screenshot('engine-state');
    const by = new Map(rows.map((r) => [r.label, r.description]));
    assert.equal(by.get('State'), 'running', `the engine is not running: ${by.get('Reason') ?? JSON.stringify(rows)}`);
    assert.match(by.get('Engine') ?? '', /^(Berth|Docker)\b.*\d/, 'Engine row names the product and its version');
    assert.equal(by.get('API'), '1.41');
    assert.ok(by.get('Socket')?.endsWith(h.engineSocket), `Socket row names ${h.engineSocket}: ${by.get('Socket')}`);
    assert.equal(by.get('Root'), h.engineRoot);
    assert.equal(by.get('Mode'), 'root', 'the engine of this test runs as root');

    // The palette reaches Berth's commands; a refresh settles on running again.
    await h.runCommand('Berth: Refresh Engine');
    await h.waitForTreeItem('Engine', 'State', /^running$/, 30_000);
    await h.screenshot('after-refresh');
  } finally {
    await h.close();
  }
});

test('with berth.engine set to docker, the Engine view shows Docker Engine', { timeout: 15 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsDocker: true }))) return;
  const h = await Harness.start({ name: 'engine-view-docker', engine: 'docker' });
  try {
    await h.openBerthView();
    const rows = await h.waitForTreeItem('Engine', 'State', /^(running|unreachable)$/, 90_000);
    await h.screenshot('engine-state');
    const by = new Map(rows.map((r) => [r.label, r.description]));
    assert.equal(by.get('State'), 'running', `Docker is not reachable: ${by.get('Reason') ?? JSON.stringify(rows)}`);
    assert.match(by.get('Engine') ?? '', /^Docker\b.*\d/);
    assert.match(by.get('API') ?? '', /^1\.\d+$/);
    assert.match(by.get('Socket') ?? '', /\/var\/run\/docker\.sock$/);
    assert.equal(by.get('Mode'), 'root');
  } finally {
    await h.close();
  }
});
