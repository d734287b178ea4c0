// `npm start`: from a fresh clone to VS Code with Berth loaded on sample/.
//   1. system prerequisites (installed as root on Debian; otherwise the one command that installs
//      them all is printed and nothing else is done, so nothing is left half-installed)
//   2. npm ci when node_modules is missing
//   3. build the bundles and pack dist/berth.vsix
//   4. the bundled engine on its default socket (as root; rootless, in a user namespace, otherwise),
//      with the offline base image busybox:latest
//   5. desktop VS Code when `code` is on PATH, otherwise code-server at a printed 127.0.0.1 URL
// and then runs until Ctrl-C, when it stops what it started. Child processes get the environment of a
// person's shell, not npm's script environment (lib/child-env.mjs says why).
//
// Flags (or environment):
//   --no-open  (BERTH_START_NO_OPEN=1)  never launch a desktop window: serve code-server and print its URL
//   --port N   (BERTH_START_PORT=N)     code-server's port; a free one by default
//   --no-build                          use dist/ as it is (a quicker restart)
//   --state-dir DIR                     code-server's state (default ~/.cache/berth/start-state)
//   --engine-socket PATH, --engine-root DIR
//                                       the bundled engine's socket and root instead of its defaults
//                                       (written into the berth.bundled.* settings); tests use these
//   --help
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withoutNpmScriptEnv } from './lib/child-env.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = join(REPO, 'sample');
const VSIX = join(REPO, 'dist', 'berth.vsix');
const RUNTIME = join(REPO, 'dist', 'runtime.js');

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: npm start [-- --no-open] [--port N] [--no-build] [--state-dir DIR] [--engine-socket PATH] [--engine-root DIR]\n  --no-open  serve VS Code in the browser (code-server) and print its URL; never open a desktop window');
  process.exit(0);
}
const noOpen = args.includes('--no-open') || process.env.BERTH_START_NO_OPEN === '1';
const noBuild = args.includes('--no-build');
function option(name) {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) fail(`${name} wants a value`);
  return value;
}
const port = Number(option('--port') ?? process.env.BERTH_START_PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port wants a number from 0 to 65535, not "${option('--port')}"`);
const stateDirOption = option('--state-dir');
const engineSocketOption = option('--engine-socket');
const engineRootOption = option('--engine-root');

const startedAt = Date.now();
function section(title) {
  console.log(`\n== ${title} (+${Math.round((Date.now() - startedAt) / 1000)} s)`);
}

function fail(message) {
  console.error(`\nnpm start: ${message}`);
  process.exit(1);
}

function run(cmd, cmdArgs, what) {
  console.log(`$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: REPO, stdio: 'inherit', env: withoutNpmScriptEnv() });
  if (r.status !== 0) fail(`${what} failed (see above)`);
}

const cleanups = [];
let shuttingDown = false;
async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log('\nStopping what npm start started...');
  for (const stop of cleanups.reverse()) {
    try {
      await stop();
    } catch (err) {
      console.error(`  ${err instanceof Error ? err.message : err}`);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

// Only node: built-ins below this line until step 2 has installed the dependencies.
const { ENGINE_NEEDS, ROOTLESS_ENGINE_NEEDS, CODE_SERVER_NEEDS, ensurePackages, onPath, subordinateIdsFix, tunDeviceFix, PrerequisiteError } = await import('./lib/prereqs.mjs');
const { installedCodeServer, startCodeServer, codeServerDir } = await import('./lib/code-server.mjs');
const isRoot = process.getuid?.() === 0;

// 1. System prerequisites, first: a machine that lacks some learns it at once, with one command.
section('System prerequisites');
const desktop = !noOpen && onPath('code');
const needs = [...ENGINE_NEEDS, ...(isRoot ? [] : ROOTLESS_ENGINE_NEEDS)];
if (!desktop && !installedCodeServer()) needs.push(...CODE_SERVER_NEEDS);
try {
  const installed = ensurePackages(needs, { otherFixes: isRoot ? [] : [subordinateIdsFix(), tunDeviceFix()].filter(Boolean) });
  console.log(installed.length ? `installed: ${installed.join(' ')}` : 'all present');
} catch (err) {
  if (err instanceof PrerequisiteError) fail(err.message);
  throw err;
}

// 2. Dependencies
section('Dependencies');
if (!existsSync(join(REPO, 'node_modules'))) {
  run('npm', existsSync(join(REPO, 'package-lock.json')) ? ['ci'] : ['install'], 'installing dependencies');
} else {
  console.log('node_modules is there');
}

// It imports installed packages (dockerode, tar-stream), so it loads after step 2.
const { defaultEngineLocation, ensureEngine, ensureBaseImage } = await import('./lib/local-engine.mjs');

// 3. Build and package
section('Build');
if (noBuild && existsSync(VSIX)) {
  console.log('--no-build: using dist/ as it is');
} else {
  run(process.execPath, ['scripts/build.mjs'], 'the build');
  run('npm', ['run', '--silent', 'package'], 'packaging the VSIX');
}

// 4. The bundled engine and its base image
section('Engine');
{
  // As an ordinary user berthd runs rootless (it re-executes itself in a user namespace), exactly as
  // the extension would start it; the defaults are then the user's ($XDG_RUNTIME_DIR, ~/.local/share).
  const defaults = defaultEngineLocation();
  const socket = engineSocketOption ? resolve(engineSocketOption) : defaults.socket;
  const root = engineRootOption ? resolve(engineRootOption) : defaults.root;
  try {
    const engine = await ensureEngine({ runtimeScript: RUNTIME, socket, root });
    if (engine.started) cleanups.push(async () => {
      console.log(`  stopping the engine (pid ${engine.pid})`);
      await engine.stop();
    });
    const image = await ensureBaseImage({ socket });
    if (typeof image === 'object') {
      console.warn(`warning: ${image.unsupported}.\n  sample/ builds once the engine can import images; everything else works.`);
    }
  } catch (err) {
    console.warn(`warning: ${err instanceof Error ? err.message : err}\n  Berth will say what is wrong in its Engine view; continuing.`);
  }
}

// 5. VS Code
section('VS Code');
if (desktop) {
  // --wait keeps this process (and the engine it started) alive until the window closes.
  if (engineSocketOption || engineRootOption) {
    console.warn('warning: --engine-socket/--engine-root are not passed to desktop VS Code; set berth.bundled.socket/root there.');
  }
  const codeArgs = ['--wait', '--new-window', `--extensionDevelopmentPath=${REPO}`, SAMPLE];
  console.log(`$ code ${codeArgs.join(' ')}`);
  const code = spawn('code', codeArgs, { stdio: 'inherit' });
  cleanups.push(async () => {
    if (code.exitCode === null) code.kill('SIGTERM');
  });
  console.log('VS Code is open on sample/ with Berth loaded. Close the window or press Ctrl-C to stop.');
  code.on('exit', () => void shutdown(0));
} else {
  // A persistent state folder: settings and layout survive from one npm start to the next.
  const stateDir = stateDirOption ? resolve(stateDirOption) : join(dirname(codeServerDir()), 'start-state');
  mkdirSync(stateDir, { recursive: true });
  const settings = {};
  if (engineSocketOption) settings['berth.bundled.socket'] = resolve(engineSocketOption);
  if (engineRootOption) settings['berth.bundled.root'] = resolve(engineRootOption);
  let server;
  try {
    server = await startCodeServer({ folder: SAMPLE, vsix: VSIX, stateDir, port, settings, keepSettings: true });
  } catch (err) {
    console.error(`\nnpm start: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
  }
  cleanups.push(() => server.stop());
  server.exited.then(({ code, signal }) => {
    if (shuttingDown) return;
    console.error(`code-server exited (${signal ?? `code ${code}`}); its log: ${server.logFile}`);
    void shutdown(1);
  });
  console.log(`\nBerth is loaded in VS Code (code-server on port ${server.port}, ready after ${Math.round((Date.now() - startedAt) / 1000)} s). Open:\n`);
  console.log(`  ${server.folderUrl}\n`);
  console.log(`code-server log: ${server.logFile}`);
  console.log('Press Ctrl-C to stop.');
}
