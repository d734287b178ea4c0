// `npm start` on a fresh machine, as a new user meets it: a copy of the repository with no
// node_modules and no dist/, an empty code-server cache (BERTH_CODE_SERVER_DIR), started through npm
// itself (`npm start -- --no-open`), so npm ci, the build, the VSIX and the code-server install all run
// inside npm's script environment. The test waits for the printed URL, opens it in Chromium, sees the
// Berth view with the engine running and the offline base image, then presses Ctrl-C and checks that
// npm start stopped what it started. Once as root, once as an ordinary user (whose engine runs rootless).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import Docker from 'dockerode';
import { withoutNpmScriptEnv } from '../../scripts/lib/child-env.mjs';
import { createThrowawayUser, type ThrowawayUser } from '../runtime/rootless/throwaway-user.js';
import { launchChromium } from './browser.js';
import { cleanupEngine, REPO, RESULTS } from './harness.js';
import { requireE2e } from './prerequisites.js';
import { openViewContainer, waitForTreeItem, waitForWorkbench } from './workbench.js';

/** What a fresh clone holds: git's tracked files plus new ones not ignored, as they are in the work tree. */
function copyRepository(dest: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed in ${REPO}: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = join(REPO, file);
    if (!existsSync(from)) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(from, join(dest, file));
  }
}

interface StartRun {
  /** Everything npm start printed so far (stdout and stderr). */
  output(): string;
  url: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ctrl-C in the terminal: SIGINT to npm's whole process group. */
  interrupt(): void;
  kill(): void;
}

function npmStart(opts: { cwd: string; args: string[]; env: NodeJS.ProcessEnv; user?: ThrowawayUser }): StartRun {
  const child = spawn('npm', ['start', '--', '--no-open', ...opts.args], {
    cwd: opts.cwd, env: opts.env, uid: opts.user?.uid, gid: opts.user?.gid, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = new Promise<string>((resolve, reject) => {
    // npm ci, the build, the code-server install (native modules) and its start: minutes on 2 cores.
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL within 15 minutes:\n${output}`)), 15 * 60_000);
    const scan = (): void => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', scan);
        resolve(m[0]);
      }
    };
    child.stdout.on('data', scan);
    void exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`npm start exited (${signal ?? code}) before printing a URL:\n${output}`)); });
  });
  url.catch(() => undefined);
  return {
    output: () => output,
    url,
    exited,
    interrupt: () => process.kill(-child.pid!, 'SIGINT'),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      }
    },
  };
}

/** Opens the printed URL and checks the Berth view: the engine running on `socket`. */
async function checkVsCode(run: StartRun, chromiumDir: string, results: string, socket: string): Promise<void> {
  const url = await run.url;
  assert.match(decodeURIComponent(url), /\/sample$/, 'the URL opens sample/');
  const context = await launchChromium(chromiumDir);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await waitForWorkbench(page);
    await openViewContainer(page, 'Berth', 60_000);
    const rows = await waitForTreeItem(page, 'Engine', 'State', /^(running|unreachable)$/, 90_000);
    await page.screenshot({ path: join(results, '01-berth-view.png') });
    const by = new Map(rows.map((r) => [r.label, r.description]));
    assert.equal(by.get('State'), 'running', `the engine is not running: ${by.get('Reason') ?? JSON.stringify(rows)}\n${run.output()}`);
    assert.ok(by.get('Socket')?.endsWith(socket), `the extension uses the engine npm start started (${socket}): ${by.get('Socket')}`);
  } finally {
    await context.close().catch(() => undefined);
  }
  // npm start makes the sample's base image offline.
  const image = await new Docker({ socketPath: socket }).getImage('busybox:latest').inspect();
  assert.ok(image.Id.startsWith('sha256:'), 'busybox:latest is in the engine');
}

/** The fresh-machine steps really ran: nothing came from a cache or an earlier build. */
function checkFreshSteps(output: string, codeServerDir: string): void {
  assert.match(output, /\$ npm ci/, 'npm start installed the dependencies itself');
  assert.match(output, /\$ npm run --silent package/, 'npm start built and packed the VSIX');
  assert.match(output, new RegExp(`code-server: installing code-server@`), 'npm start installed code-server');
  assert.ok(existsSync(join(codeServerDir, '.berth-install-complete')), `code-server's install in ${codeServerDir} completed`);
}

async function stopWithCtrlC(run: StartRun, socket: string): Promise<void> {
  run.interrupt();
  const { code, signal } = await run.exited;
  assert.match(run.output(), /Stopping what npm start started/, run.output());
  // start.mjs exits 0 once it has stopped everything; npm itself then ends as a shell's Ctrl-C leaves
  // it (killed by the SIGINT it forwarded, or 130), which is npm's way, not a failure.
  assert.ok(code === 0 || code === 130 || signal === 'SIGINT', `npm start ends cleanly on Ctrl-C (${signal ?? code}):\n${run.output()}`);
  assert.doesNotMatch(run.output(), /npm error/, 'no npm step failed on the way');
  await assert.rejects(new Docker({ socketPath: socket }).ping(), 'the engine npm start started is stopped');
}

test('npm start on a fresh clone as root: npm ci, build, code-server install into an empty cache, VS Code with Berth; Ctrl-C stops it', { timeout: 25 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsBundledEngine: true }))) return;
  const results = join(RESULTS, 'npm-start');
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const base = mkdtempSync(join(tmpdir(), 'berth-start-'));
  const repo = join(base, 'repo');
  const codeServerDir = join(base, 'code-server');
  mkdirSync(codeServerDir);
  copyRepository(repo);
  const socket = join(base, 'engine', 'engine.sock');
  const root = join(base, 'engine', 'root');
  const run = npmStart({
    cwd: repo,
    args: ['--state-dir', join(base, 'state'), '--engine-socket', socket, '--engine-root', root],
    // A person's shell: none of the npm variables of the `npm test` running this file.
    env: { ...withoutNpmScriptEnv(process.env), BERTH_CODE_SERVER_DIR: codeServerDir },
  });
  try {
    await checkVsCode(run, join(base, 'chromium'), results, socket);
    checkFreshSteps(run.output(), codeServerDir);
    await stopWithCtrlC(run, socket);
  } finally {
    run.kill();
    await cleanupEngine(base, root);
    rmSync(base, { recursive: true, force: true });
  }
});

test('npm start on a fresh clone as an ordinary user: the same, with the engine rootless on the user\'s defaults', { timeout: 25 * 60_000 }, async (t) => {
  if (!(await requireE2e(t, { needsRootless: true }))) return;
  const results = join(RESULTS, 'npm-start-user');
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const user = createThrowawayUser();
  const chromiumDir = mkdtempSync(join(tmpdir(), 'berth-start-chromium-'));
  try {
    const repo = join(user.home, 'repo');
    const codeServerDir = join(user.home, 'code-server');
    copyRepository(repo);
    mkdirSync(codeServerDir);
    spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, repo, codeServerDir]);
    chownSync(user.home, user.uid, user.gid);
    // The user's own defaults: the socket berthd and the extension pick without settings.
    const socket = join(user.runtimeDir, 'berth', 'engine.sock');
    const run = npmStart({ cwd: repo, args: [], env: { ...user.env, BERTH_CODE_SERVER_DIR: codeServerDir }, user });
    try {
      await checkVsCode(run, chromiumDir, results, socket);
      checkFreshSteps(run.output(), codeServerDir);
      await stopWithCtrlC(run, socket);
    } finally {
      run.kill();
      await cleanupEngine(user.home, join(user.home, '.local', 'share', 'berth'), user);
    }
  } finally {
    await user.dispose();
    rmSync(chromiumDir, { recursive: true, force: true });
  }
});
