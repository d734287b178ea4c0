// The rest of the commands in a real VS Code, against the bundled engine and Docker Engine:
// Attach Shell (with the terminal's size), Inspect, View Logs across a restart, Copy ID, Start, Force
// Remove, Tag, Push, Remove Image, Pull (through a local docker-registry), Run Interactive, the Volumes
// and Networks views, a failing build that points at its line, and Prune (on Berth's own engine only:
// Docker Engine is shared with other tests).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Docker from 'dockerode';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../runtime/registry/helpers/local-registry.js';
import { BASE_IMAGE, createStopped, ensureBaseImage, removeByPrefix, removeInteractiveLeftovers, startGreeter } from './engine-fixtures.js';
import { Harness } from './harness.js';
import { engineCases } from './engine-cases.js';
import { DOCKER_SOCKET, requireE2e } from './prerequisites.js';
import {
  answerDialog,
  answerInputBox,
  clearNotifications,
  contextMenu,
  expandUntilVisible,
  expandView,
  openFile,
  treeRow,
  typeInTerminal,
  waitForNotification,
  waitForProblem,
  waitForTerminalNamed,
  waitForTerminalText,
} from './workbench-actions.js';

const SETTINGS = {
  'terminal.integrated.gpuAcceleration': 'off',
  'remote.autoForwardPorts': false,
};

// Prune only where the engine is the test's own.
const CASES = engineCases('commands').map((c) => ({ ...c, ownEngine: !c.engine }));

for (const c of CASES) {
  test(`commands on ${c.title}: shell, inspect, logs across restart, copy id, start, force remove, tag/push/pull, run interactive, volumes, networks, failing build, prune`, { timeout: 20 * 60_000 }, async (t) => {
    if (!(await requireE2e(t, c.needs))) return;
    const registryBinary = registryOrSkip();
    const h = await Harness.start({ name: c.name, engine: c.engine, settings: SETTINGS });
    const socket = c.engine === 'docker' ? DOCKER_SOCKET : h.engineSocket;
    const prefix = `berth-e2e-${c.name}-${process.pid}`;
    let registry: LocalRegistry | undefined;
    const started = Math.floor(Date.now() / 1000);
    try {
      await h.openBerthView();
      const rows = await h.waitForTreeItem('Engine', 'State', /^(running|unreachable)$/, 90_000);
      const engine = new Map(rows.map((r) => [r.label, r.description]));
      assert.equal(engine.get('State'), 'running', `the engine is not running: ${engine.get('Reason') ?? JSON.stringify(rows)}`);
      await ensureBaseImage(socket);

      await t.test('attach shell, inspect, logs across a restart, copy id', (st) => containerCommands(st, h, socket, prefix));
      await t.test('start, stop, force remove', () => lifecycle(h, socket, prefix));
      await t.test('tag, push, remove image, pull', async (st) => {
        if ('skip' in registryBinary) return void st.skip(registryBinary.skip);
        registry = await startLocalRegistry(registryBinary.binary);
        await registryRoundTrip(h, registry.host, prefix);
      });
      await t.test('run interactive gives a shell on an image with no command', () => runInteractive(h));
      await t.test('volumes and networks: inspect and remove', () => volumesAndNetworks(h, socket, prefix));
      await t.test('a failing build marks its line and jumps there', () => failingBuild(h, prefix));
      if (c.ownEngine) await t.test('prune containers', () => pruneContainers(h, socket, prefix));
      if (c.ownEngine) await t.test('restart the bundled engine: the views come back', () => restartEngine(h, socket, prefix));
    } finally {
      await registry?.stop().catch(() => undefined);
      await removeByPrefix(socket, prefix).catch(() => undefined);
      await h.close();
      // After close: a shell that Run Interactive left running ends with its terminal, or is removed here.
      await removeInteractiveLeftovers(socket, BASE_IMAGE, '/bin/sh', started).catch(() => undefined);
    }
  });
}

async function containerCommands(t: TestContext, h: Harness, socket: string, prefix: string): Promise<void> {
  const page = h.page;
  const name = `${prefix}-greeter`;
  const id = await startGreeter(socket, name, 'hello-from-greeter');
  const row = treeRow(page, 'Containers', name, /^Up|running/i);
  await row.waitFor({ state: 'visible', timeout: 60_000 });

  // Attach Shell: bash or sh in the container; the terminal's size reaches it.
  await contextMenu(page, row, 'Attach Shell');
  await waitForTerminalNamed(page, `Shell: ${name}`);
  await waitForTerminalText(page, /[#$] *$/m, 60_000);
  await typeInTerminal(page, 'echo shell-says-$((6*7)); stty size');
  const shellText = await waitForTerminalText(page, /shell-says-42/, 30_000);
  const size = /(\d+) (\d+)\s*$/m.exec(shellText.split('shell-says-42')[1] ?? '');
  assert.ok(size && Number(size[1]) > 5 && Number(size[2]) > 20, `stty size shows the terminal's size, not 0 0: ${shellText}`);
  t.diagnostic(`shell terminal size: ${size?.[1]} rows, ${size?.[2]} columns`);
  await h.screenshot('shell');
  await typeInTerminal(page, 'exit');
  await page.locator('.part.panel').getByText(`Shell: ${name}`, { exact: true }).waitFor({ state: 'hidden', timeout: 30_000 });

  // Inspect: a read-only JSON document with the engine's answer.
  await contextMenu(page, row, 'Inspect Container');
  await page.locator('.editor-group-container.active .tab.active', { hasText: `${name}.json` }).waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.editor-group-container.active .view-lines').getByText(id, { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await h.screenshot('inspect');

  // View Logs follows across a restart: the greeting twice, with the restart noted between.
  await contextMenu(page, row, 'View Logs');
  await waitForTerminalText(page, /hello-from-greeter/, 30_000);
  await contextMenu(page, row, 'Restart');
  const text = await waitForTerminalText(page, /started again; following its log[\s\S]*hello-from-greeter/, 60_000);
  assert.equal(text.match(/hello-from-greeter/g)?.length, 2, `the greeting before and after the restart:\n${text}`);
  await h.screenshot('logs-after-restart');

  // Copy ID: the status bar confirms with the short id.
  await contextMenu(page, row, 'Copy Container ID');
  await page.locator('.part.statusbar').getByText(`Copied ${id.slice(0, 12)}`).waitFor({ state: 'visible', timeout: 10_000 });
}

async function lifecycle(h: Harness, socket: string, prefix: string): Promise<void> {
  const page = h.page;
  const name = `${prefix}-created`;
  await createStopped(socket, name);
  const row = treeRow(page, 'Containers', name, /Created|created/);
  await contextMenu(page, row, 'Start');
  // /bin/true exits at once: started, then exited with 0.
  await treeRow(page, 'Containers', name, /Exited \(0\)/).waitFor({ state: 'visible', timeout: 60_000 });

  const running = `${prefix}-running`;
  await startGreeter(socket, running, 'still-here');
  const runningRow = treeRow(page, 'Containers', running, /^Up|running/i);
  await contextMenu(page, runningRow, 'Stop');
  const stoppedRow = treeRow(page, 'Containers', running, /Exited/);
  await stoppedRow.waitFor({ state: 'visible', timeout: 60_000 });
  await contextMenu(page, stoppedRow, 'Start');
  await runningRow.waitFor({ state: 'visible', timeout: 60_000 });
  // A running container is removed only by force; the dialog says so.
  await contextMenu(page, runningRow, 'Remove...');
  await answerDialog(page, 'Force Remove');
  await treeRow(page, 'Containers', running).waitFor({ state: 'hidden', timeout: 60_000 });
  await h.screenshot('lifecycle');
  assert.equal(await new Docker({ socketPath: socket }).getContainer(running).inspect().then(() => 'exists', () => 'gone'), 'gone');
}

async function registryRoundTrip(h: Harness, registryHost: string, prefix: string): Promise<void> {
  const page = h.page;
  const repo = `${registryHost}/${prefix}/busybox`;
  const ref = `${repo}:pushed`;
  const busybox = treeRow(page, 'Images', 'busybox', /^latest$|tags/);
  await busybox.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await busybox.getAttribute('aria-expanded')) !== 'true') await busybox.click();
  const busyboxTag = page.locator('.monaco-list[aria-label="Images"] .monaco-list-row[aria-label^="busybox:latest,"]').first();

  await contextMenu(page, busyboxTag, 'Tag Image...');
  await answerInputBox(page, ref, /Tag busybox:latest/);
  const repoRow = treeRow(page, 'Images', repo);
  await repoRow.waitFor({ state: 'visible', timeout: 30_000 });
  const tagRow = page.locator(`.monaco-list[aria-label="Images"] .monaco-list-row[aria-label^="${ref},"]`).first();
  await expandUntilVisible(repoRow, tagRow);

  await contextMenu(page, tagRow, 'Push Image');
  await waitForNotification(page, new RegExp(`^Pushed ${escape(ref)}\\.`), /^Could not push/, 2 * 60_000);
  await clearNotifications(page);

  await contextMenu(page, tagRow, 'Remove Image...');
  await answerDialog(page, 'Remove');
  await repoRow.waitFor({ state: 'hidden', timeout: 30_000 });

  await h.runCommand('Berth: Pull Image...');
  await answerInputBox(page, ref, /Pull Image/);
  await waitForNotification(page, new RegExp(`^Pulled ${escape(ref)}\\.`), /^Could not pull/, 2 * 60_000);
  await repoRow.waitFor({ state: 'visible', timeout: 30_000 });
  await h.screenshot('pulled');
  await clearNotifications(page);
}

async function runInteractive(h: Harness): Promise<void> {
  const page = h.page;
  const busyboxTag = page.locator('.monaco-list[aria-label="Images"] .monaco-list-row[aria-label^="busybox:latest,"]').first();
  const busybox = treeRow(page, 'Images', 'busybox', /^latest$|tags/);
  if (!(await busyboxTag.isVisible())) await busybox.click();
  await contextMenu(page, busyboxTag, 'Run Interactive');
  await waitForTerminalNamed(page, 'Run: busybox:latest');
  // The shell's prompt: the new terminal is the one in front, and the container is up.
  await waitForTerminalText(page, /\/ # /, 60_000);
  await typeInTerminal(page, 'echo interactive-$((2+3))');
  await waitForTerminalText(page, /interactive-5/, 30_000);
  await h.screenshot('run-interactive');
  await typeInTerminal(page, 'exit');
  await page.locator('.part.panel').getByText('Run: busybox:latest', { exact: true }).waitFor({ state: 'hidden', timeout: 30_000 });
}

async function volumesAndNetworks(h: Harness, socket: string, prefix: string): Promise<void> {
  const page = h.page;
  const docker = new Docker({ socketPath: socket });
  const volume = `${prefix}-data`;
  const network = `${prefix}-net`;
  await docker.createVolume({ Name: volume });
  await docker.createNetwork({ Name: network });

  await expandView(page, 'Volumes');
  await h.runCommand('Berth: Refresh Volumes');
  const volumeRow = treeRow(page, 'Volumes', volume);
  await volumeRow.waitFor({ state: 'visible', timeout: 30_000 });
  await contextMenu(page, volumeRow, 'Inspect Volume');
  await page.locator('.editor-group-container.active .tab.active', { hasText: `${volume}.json` }).waitFor({ state: 'visible', timeout: 30_000 });
  await contextMenu(page, volumeRow, 'Remove Volume...');
  await answerDialog(page, 'Remove');
  await volumeRow.waitFor({ state: 'hidden', timeout: 30_000 });

  await expandView(page, 'Networks');
  const networkRow = treeRow(page, 'Networks', network);
  await networkRow.waitFor({ state: 'visible', timeout: 30_000 });
  await h.screenshot('networks');
  await contextMenu(page, networkRow, 'Remove Network...');
  await answerDialog(page, 'Remove');
  await networkRow.waitFor({ state: 'hidden', timeout: 30_000 });
}

async function failingBuild(h: Harness, prefix: string): Promise<void> {
  const page = h.page;
  mkdirSync(join(h.workspace, 'broken'), { recursive: true });
  // The failing step comes first after FROM, so the build leaves no intermediate image behind.
  writeFileSync(join(h.workspace, 'broken', 'Dockerfile'), 'FROM busybox:latest\n\n# fails on purpose\nRUN exit 3\nCMD ["true"]\n');
  await openFile(page, 'broken/Dockerfile');
  await h.runCommand('Berth: Build Image...');
  await answerInputBox(page, `${prefix}-broken:latest`, /Build broken\/Dockerfile/);
  const failed = await waitForNotification(page, /^Could not build/, /^Built /, 5 * 60_000);
  await h.screenshot('build-failed');
  await failed.locator('.monaco-button', { hasText: 'Go to Line 4' }).click();
  await waitForProblem(page, /Could not build[\s\S]*Berth build|Berth build[\s\S]*Could not build/, 30_000);
  await page.locator('.part.statusbar').getByText(/Ln 4, Col 1/).waitFor({ state: 'visible', timeout: 30_000 });
}

async function pruneContainers(h: Harness, socket: string, prefix: string): Promise<void> {
  const page = h.page;
  await createStopped(socket, `${prefix}-leftover`);
  await treeRow(page, 'Containers', `${prefix}-leftover`).waitFor({ state: 'visible', timeout: 30_000 });
  await h.runCommand('Berth: Prune Containers...');
  await answerDialog(page, 'Prune');
  await waitForNotification(page, /^Removed \d+ containers?/, /^Could not prune/, 60_000);
  await treeRow(page, 'Containers', `${prefix}-leftover`).waitFor({ state: 'hidden', timeout: 30_000 });
}

async function restartEngine(h: Harness, socket: string, prefix: string): Promise<void> {
  const page = h.page;
  const name = `${prefix}-survivor`;
  await createStopped(socket, name);
  await treeRow(page, 'Containers', name).waitFor({ state: 'visible', timeout: 30_000 });
  const before = await new Docker({ socketPath: socket }).info();
  await h.runCommand('Berth: Restart Bundled Engine');
  await h.waitForTreeItem('Engine', 'State', /^running$/, 60_000);
  // A new engine process, the same data: the container is still listed.
  await treeRow(page, 'Containers', name).waitFor({ state: 'visible', timeout: 30_000 }).catch(async () => {
    const listed = await new Docker({ socketPath: socket }).listContainers({ all: true }).then((l) => l.map((c) => c.Names?.[0]), () => []);
    assert.fail(`after the engine restarted, the created container ${name} is not in the Containers view; the engine lists ${JSON.stringify(listed)}`);
  });
  const after = await new Docker({ socketPath: socket }).info();
  assert.equal(after.DockerRootDir, before.DockerRootDir);
  await h.screenshot('engine-restarted');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
