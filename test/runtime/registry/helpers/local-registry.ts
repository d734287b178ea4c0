// Starts Debian's `docker-registry` (distribution 2.x) on 127.0.0.1 for a test or benchmark: a
// temp config, filesystem storage in a temp dir, optionally htpasswd (bcrypt) auth. Readiness is
// the registry's own "listening on" log line, not a poll.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import bcrypt from 'bcryptjs';

export interface LocalRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  dir: string;
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  htpasswd?: { username: string; password: string };
  /** Keep the storage here instead of a fresh temp dir (the benchmark reuses its pushed image). */
  storageDir?: string;
  /**
   * Serve HTTPS: `true` with a self-signed certificate (made with openssl for 127.0.0.1), or with the
   * given certificate and key; `clientCa` makes the registry demand a client certificate it signed.
   */
  tls?: boolean | { certificate: string; key: string; clientCa?: string };
}

/** `$BERTH_DOCKER_REGISTRY` (a path) overrides the search, e.g. to check the skip/fail path. */
export function registryBinary(): string | undefined {
  const override = process.env.BERTH_DOCKER_REGISTRY;
  if (override !== undefined) return existsSync(override) ? override : undefined;
  const candidates = ['/usr/bin/docker-registry', ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'docker-registry'))];
  return candidates.find((p) => existsSync(p));
}

/**
 * For tests: the binary, or a reason to skip. Under CI a missing registry is a failure, not a skip,
 * so the suite cannot pass by testing nothing.
 */
export function registryOrSkip(): { binary: string } | { skip: string } {
  const binary = registryBinary();
  if (binary) return { binary };
  const reason = 'docker-registry is not installed (apt-get install -y docker-registry)';
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must provide it`);
  return { skip: reason };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export async function startLocalRegistry(binary: string, opts: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-docker-registry-'));
  const storage = opts.storageDir ?? join(dir, 'data');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const auth = opts.htpasswd
    ? `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, 'htpasswd')}\n`
    : '';
  if (opts.htpasswd) {
    await writeFile(join(dir, 'htpasswd'), `${opts.htpasswd.username}:${bcrypt.hashSync(opts.htpasswd.password, 5)}\n`);
  }
  let tls = '';
  if (opts.tls === true) {
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr || made.error?.message}`);
    tls = `  tls:\n    certificate: ${cert}\n    key: ${key}\n`;
  } else if (opts.tls) {
    tls = `  tls:\n    certificate: ${opts.tls.certificate}\n    key: ${opts.tls.key}\n${opts.tls.clientCa ? `    clientcas:\n      - ${opts.tls.clientCa}\n` : ''}`;
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    tls,
    auth,
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), config);

  const child = spawn(binary, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await waitListening(child, host);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function waitListening(child: ChildProcess, host: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => done(new Error(`docker-registry did not start listening on ${host} within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(`listening on ${host}`)) done();
    };
    const onExit = (code: number | null): void => done(new Error(`docker-registry exited (${code}) before listening:\n${output}`));
    function done(err?: Error): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipes so the registry never blocks on a full one.
      child.stdout?.resume();
      child.stderr?.resume();
      if (err) reject(err);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}
