// For `npm start`: make sure Berth's bundled engine answers on its default socket (starting
// dist/runtime.js when nothing listens) and that it has the offline base image busybox:latest,
// imported from busybox-static's root filesystem through the Docker API.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

export const BASE_IMAGE = 'busybox:latest';

/** The engine's own defaults (design: as root /run/berth, /var/lib/berth; else XDG folders). */
export function defaultEngineLocation() {
  if (process.getuid?.() === 0) return { socket: '/run/berth/engine.sock', root: '/var/lib/berth' };
  // The same fallback as berthd's own (runtime/daemon/options.ts), so the extension finds this engine.
  const runtimeDir = process.env.XDG_RUNTIME_DIR || join('/tmp', `berth-${process.getuid?.() ?? 0}`);
  const dataHome = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return { socket: join(runtimeDir, 'berth', 'engine.sock'), root: join(dataHome, 'berth') };
}

export function pingSocket(socketPath, timeoutMs = 3000) {
  return new Promise((resolve) => {
    if (!existsSync(socketPath)) return resolve(false);
    const req = request({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Reuses an engine answering on `socket`, or starts `node runtimeScript --socket --root` and
 * resolves once it prints its ready line. Returns { started, stop() }.
 */
export async function ensureEngine({ runtimeScript, socket, root, log = (m) => console.log(m), readyTimeoutMs = 30_000 }) {
  if (await pingSocket(socket)) {
    log(`engine: reusing the one answering on ${socket}`);
    return { started: false, stop: async () => {} };
  }
  if (!existsSync(runtimeScript)) throw new Error(`${runtimeScript} is missing: run "node scripts/build.mjs"`);
  log(`engine: starting ${runtimeScript} --socket ${socket} --root ${root}`);
  const child = spawn(process.execPath, [runtimeScript, '--socket', socket, '--root', root], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  child.stderr.on('data', (c) => { tail = (tail + c.toString()).slice(-2000); });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve) => {
    let out = '';
    const onData = (c) => {
      out += c.toString();
      // berthd prints exactly one line when its socket is ready.
      if (out.includes('\n')) {
        child.stdout.off('data', onData);
        log(`engine: ${out.trim().split('\n')[0]}`);
        resolve('ready');
      }
    };
    child.stdout.on('data', onData);
  });
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), readyTimeoutMs); });
  const first = await Promise.race([ready, exited, timeout]);
  clearTimeout(timer);
  if (first !== 'ready') {
    child.kill('SIGKILL');
    const why = first === 'timeout' ? `was not ready within ${readyTimeoutMs / 1000} s` : `exited (${first.signal ?? `code ${first.code}`})`;
    throw new Error(`the bundled engine ${why}${tail.trim() ? `:\n${tail.trim()}` : ''}`);
  }
  // Keep draining its output so a full pipe never stalls it.
  child.stdout.resume();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  return { started: true, stop, pid: child.pid };
}

/**
 * Imports busybox-static's rootfs as busybox:latest unless the engine has it. Resolves to
 * 'present', 'imported', or { unsupported: message } when the engine has no import route yet.
 */
export async function ensureBaseImage({ socket, log = (m) => console.log(m) }) {
  const docker = new Docker({ socketPath: socket });
  try {
    await docker.getImage(BASE_IMAGE).inspect();
    log(`engine: ${BASE_IMAGE} is present`);
    return 'present';
  } catch (err) {
    if (err?.statusCode !== 404) throw err;
  }
  const { busyboxRootfsStream } = await import('./busybox-rootfs.mjs');
  log(`engine: importing ${BASE_IMAGE} from busybox-static's root filesystem`);
  let stream;
  try {
    stream = await docker.importImage(await busyboxRootfsStream(), { repo: 'busybox', tag: 'latest' });
  } catch (err) {
    if (err?.statusCode === 404 || err?.statusCode === 501 || err?.statusCode === 400) {
      return { unsupported: `the engine cannot import images yet (POST /images/create?fromSrc=- answered ${err.statusCode}: ${err.json?.message ?? err.message})` };
    }
    throw err;
  }
  await new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err, output) => {
      const failed = err ?? output?.find((o) => o.error || o.errorDetail);
      if (failed) reject(new Error(`import of ${BASE_IMAGE} failed: ${failed.message ?? failed.error ?? failed.errorDetail?.message}`));
      else resolve();
    });
  });
  await docker.getImage(BASE_IMAGE).inspect();
  log(`engine: imported ${BASE_IMAGE}`);
  return 'imported';
}
