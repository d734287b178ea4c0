// `npm start` ends with VS Code showing the Berth view container: run scripts/start.mjs the way a
// script would (--no-open), open the URL it prints in Chromium, see the Engine view running, then
// Ctrl-C it and check it stopped what it started. The engine gets a socket and root of its own so
// the test never touches /run/berth or /var/lib/berth.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Docker from 'dockerode';
import { launchChromium } from './browser.js';
import { cleanupEngine, ensureVsix, REPO, RESULTS } from './harness.js';
import { requireE2e } from './prerequisites.js';
import { openViewContainer, waitForTreeItem, waitForWorkbench } from './workbench.js';

test('npm start serves VS Code with the Berth view container and stops cleanly on Ctrl-C', { timeout: 15 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsBundledEngine: true }))) return;
  ensureVsix();
  const results = join(RESULTS, 'npm-start');
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const base = mkdtempSync(join(tmpdir(), 'berth-start-'));
  const socket = join(base, 'engine', 'engine.sock');
  const root = join(base, 'engine', 'root');

  // npm test has just built and packed, so --no-build; its own process group for a sure cleanup.
  const start = spawn(process.execPath, [
    'scripts/start.mjs', '--no-open', '--no-build',
    '--state-dir', join(base, 'state'), '--engine-socket', socket, '--engine-root', root,
  ], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  start.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  start.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<number | null>((resolve) => start.on('exit', (code) => resolve(code)));
  const context = await launchChromium(join(base, 'chromium'));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no URL within 5 minutes:\n${output}`)), 5 * 60_000);
      const scan = (): void => {
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/.exec(output);
        if (m) {
          clearTimeout(timer);
          start.stdout.off('data', scan);
          resolve(m[0]);
        }
      };
      start.stdout.on('data', scan);
      void exited.then((code) => { clearTimeout(timer); reject(new Error(`npm start exited (${code}) before printing a URL:\n${output}`)); });
    });
    assert.match(decodeURIComponent(url), /\/sample$/, 'the URL opens sample/');

    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await waitForWorkbench(page);
    await openViewContainer(page, 'Berth', 60_000);
    const rows = await waitForTreeItem(page, 'Engine', 'State', /^(running|unreachable)$/, 90_000);
    await page.screenshot({ path: join(results, '01-berth-view.png') });
    const by = new Map(rows.map((r) => [r.label, r.description]));
    assert.equal(by.get('State'), 'running', `the engine is not running: ${by.get('Reason') ?? JSON.stringify(rows)}\n${output}`);
    assert.ok(by.get('Socket')?.endsWith(socket), `the extension uses the engine npm start started: ${by.get('Socket')}`);

    // npm start makes the sample's base image offline.
    const image = await new Docker({ socketPath: socket }).getImage('busybox:latest').inspect();
    assert.ok(image.Id.startsWith('sha256:'), 'busybox:latest is in the engine');

    await context.close();
    process.kill(start.pid!, 'SIGINT');
    assert.equal(await exited, 0, `npm start exits 0 on Ctrl-C:\n${output}`);
    assert.match(output, /Stopping what npm start started/);
    await assert.rejects(new Docker({ socketPath: socket }).ping(), 'the engine npm start started is stopped');
  } finally {
    await context.close().catch(() => undefined);
    if (start.exitCode === null && start.signalCode === null) {
      try { process.kill(-start.pid!, 'SIGKILL'); } catch { /* gone */ }
    }
    await cleanupEngine(base, root);
    rmSync(base, { recursive: true, force: true });
  }
});
