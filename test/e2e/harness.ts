// One end-to-end session: code-server with dist/berth.vsix installed, open on a fresh copy of
// sample/, driven by Chromium through playwright-core. Everything lives in one temp folder (the
// workspace, code-server's state, the bundled engine's socket and root), and close() takes all of
// it down, including the engine process the extension started.
import { spawnSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { withoutNpmScriptEnv } from '../../scripts/lib/child-env.mjs';
import { ensureCodeServer, startCodeServer, type CodeServerInstall, type RunningCodeServer } from '../../scripts/lib/code-server.mjs';
import { netPrefixForRoot } from '../../runtime/daemon/options.js';
import { teardownDaemonHost } from '../helpers/host-teardown.js';
import { stopProcessesMentioning, unmountUnder } from './engine-cleanup.js';
import { launchChromium } from './browser.js';
import { activityBarItem, openViewContainer, readTreeItems, runCommand, waitForTreeItem, waitForWorkbench, type TreeItem } from './workbench.js';

export const REPO = resolve(__dirname, '..', '..');
/** BERTH_E2E_VSIX tries another build of the extension without touching dist/. */
export const VSIX = process.env.BERTH_E2E_VSIX ?? join(REPO, 'dist', 'berth.vsix');
export const SAMPLE = join(REPO, 'sample');
export const RESULTS = join(REPO, 'test-results');

export interface HarnessOptions {
  /** Names the screenshot folder: test-results/<name>/. */
  name: string;
  /** berth.engine: `bundled` (default, with a per-run socket and root), `docker`, or a socket path. */
  engine?: string;
  /** More User settings. */
  settings?: Record<string, unknown>;
  /** The folder to copy as the workspace; sample/ by default. */
  workspaceSource?: string;
  /**
   * Runs code-server (and so the extension and the engine it starts) as this ordinary user, with its
   * environment. The run's folder goes into the user's home, and the engine keeps the defaults a
   * user gets ($XDG_RUNTIME_DIR/berth/engine.sock, ~/.local/share/berth): no socket or root settings.
   */
  runAs?: HarnessUser;
}

export interface HarnessUser {
  uid: number;
  gid: number;
  home: string;
  runtimeDir: string;
  env: Record<string, string>;
}

export class Harness {
  private step = 0;
  private closed = false;

  private constructor(
    readonly name: string,
    readonly baseDir: string,
    readonly workspace: string,
    readonly engineSocket: string,
    readonly engineRoot: string,
    readonly codeServer: RunningCodeServer,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly resultsDir: string,
    readonly runAs?: HarnessUser,
  ) {}

  static async start(opts: HarnessOptions): Promise<Harness> {
    ensureVsix();
    const resultsDir = join(RESULTS, opts.name);
    rmSync(resultsDir, { recursive: true, force: true });
    mkdirSync(resultsDir, { recursive: true });

    const runAs = opts.runAs;
    // Short on purpose: the engine's per-container sockets live at <root>/containers/<64 hex>/monitor.sock,
    // and a unix socket path must stay under 108 bytes.
    const baseDir = mkdtempSync(join(runAs?.home ?? tmpdir(), 'be-'));
    const workspace = join(baseDir, 'workspace');
    cpSync(opts.workspaceSource ?? SAMPLE, workspace, { recursive: true });
    const engineSocket = runAs ? join(runAs.runtimeDir, 'berth', 'engine.sock') : join(baseDir, 'engine.sock');
    const engineRoot = runAs ? join(runAs.home, '.local', 'share', 'berth') : join(baseDir, 'r');
    const engineSettings = runAs ? {} : { 'berth.bundled.socket': engineSocket, 'berth.bundled.root': engineRoot };
    let install: CodeServerInstall | undefined;
    if (runAs) {
      chownSync(baseDir, runAs.uid, runAs.gid);
      chownTree(workspace, runAs);
      install = await readableInstall(baseDir);
    }

    let codeServer: RunningCodeServer | undefined;
    let context: BrowserContext | undefined;
    try {
      codeServer = await startCodeServer({
        folder: workspace,
        vsix: VSIX,
        stateDir: join(baseDir, 'code-server'),
        settings: {
          'berth.engine': opts.engine ?? 'bundled',
          ...engineSettings,
          ...opts.settings,
        },
        log: (m) => console.log(`# ${m}`),
        install,
        runAs,
      });
      context = await launchChromium(join(baseDir, 'chromium'));
      const page = context.pages()[0] ?? (await context.newPage());
      const h = new Harness(opts.name, baseDir, workspace, engineSocket, engineRoot, codeServer, context, page, resultsDir, runAs);
      await page.goto(codeServer.folderUrl);
      await waitForWorkbench(page);
      return h;
    } catch (err) {
      await context?.close().catch(() => undefined);
      await codeServer?.stop().catch(() => undefined);
      await cleanupEngine(baseDir, engineRoot, runAs);
      rmSync(baseDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Saves test-results/<name>/NN-<step>.png and returns its path. */
  async screenshot(stepName: string): Promise<string> {
    this.step += 1;
    const file = join(this.resultsDir, `${String(this.step).padStart(2, '0')}-${stepName.replace(/[^a-z0-9-]+/gi, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Berth's entry in the activity bar. */
  berthActivityItem(): Locator {
    return activityBarItem(this.page, 'Berth');
  }

  /** Opens the Berth view container from its activity-bar icon. */
  async openBerthView(): Promise<void> {
    await openViewContainer(this.page, 'Berth');
  }

  async runCommand(title: string): Promise<void> {
    await runCommand(this.page, title);
  }

  async treeItems(viewName: string): Promise<TreeItem[]> {
    return readTreeItems(this.page, viewName);
  }

  async waitForTreeItem(viewName: string, label: string, description: RegExp, timeoutMs = 90_000): Promise<TreeItem[]> {
    return waitForTreeItem(this.page, viewName, label, description, timeoutMs);
  }

  /** Screenshot on the way out, then tear everything down. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.screenshot('final').catch(() => undefined);
    await this.context.close().catch(() => undefined);
    await this.codeServer.stop().catch(() => undefined);
    await cleanupEngine(this.baseDir, this.engineRoot, this.runAs);
    this.keepLogs();
    rmSync(this.baseDir, { recursive: true, force: true });
  }

  /** code-server's and VS Code's logs (the extension host, the Berth output channels) next to the screenshots. */
  private keepLogs(): void {
    const logs = join(this.resultsDir, 'logs');
    try {
      mkdirSync(logs, { recursive: true });
      cpSync(this.codeServer.logFile, join(logs, 'code-server.log'));
      const vscodeLogs = join(this.codeServer.userDataDir, 'logs');
      if (existsSync(vscodeLogs)) cpSync(vscodeLogs, join(logs, 'vscode'), { recursive: true });
      // The bundled engine's container monitors write their errors here, not to the engine's output.
      const monitors = join(this.engineRoot, 'run', 'monitors.log');
      if (existsSync(monitors)) cpSync(monitors, join(logs, 'engine-monitors.log'));
    } catch {
      // Logs are a help for debugging, never a reason to fail a teardown.
    }
  }
}

/** Stops the engine a test started under baseDir, unmounts its containers, and removes its bridges, iptables rules and cgroups. */
export async function cleanupEngine(baseDir: string, engineRoot: string, runAs?: HarnessUser): Promise<void> {
  if (runAs) {
    // The user's engine names its socket and root on its command line (both in the user's home), and
    // its mounts, bridges and iptables rules live in its own namespaces: they end with its processes.
    await stopProcessesMentioning(runAs.home);
    return;
  }
  await stopProcessesMentioning(baseDir);
  unmountUnder(baseDir);
  if (existsSync(engineRoot)) await teardownDaemonHost(engineRoot, netPrefixForRoot(engineRoot));
}

function chownTree(dir: string, user: { uid: number; gid: number }): void {
  const r = spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chown -R ${user.uid}:${user.gid} ${dir} failed: ${r.stderr}`);
}

/**
 * The cache's code-server lives under /root (mode 0700), out of another user's reach. A hard-linked
 * copy under `dir` costs seconds and no space; its files stay root's and read-only to the user.
 * A full copy when the cache is on another file system.
 */
async function readableInstall(dir: string): Promise<CodeServerInstall> {
  const cached = await ensureCodeServer({ log: (m) => console.log(`# ${m}`) });
  const copy = join(dir, 'code-server-install');
  const linked = spawnSync('cp', ['-al', cached.dir, copy], { encoding: 'utf8' });
  if (linked.status !== 0) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(cached.dir, copy, { recursive: true });
  }
  const moved = (p: string): string => join(copy, relative(cached.dir, p));
  return { dir: copy, node: moved(cached.node), entry: moved(cached.entry) };
}

/** Packs dist/berth.vsix when a test file runs on its own (npm test packs it first). */
export function ensureVsix(): void {
  if (existsSync(VSIX)) return;
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: REPO, stdio: 'inherit', env: withoutNpmScriptEnv() });
  if (r.status !== 0 || !existsSync(VSIX)) throw new Error(`could not make ${VSIX}: npm run package failed`);
}
