// berth-compose pull and up against a registry that wants a login (Debian's docker-registry with
// htpasswd on 127.0.0.1), on the bundled engine: the docker CLI's logins go along as X-Registry-Auth,
// from config.json's auths and from a credential helper, as docker compose sends them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon';
import { hasExecutable, isRoot } from '../../helpers/prereqs';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../../runtime/registry/helpers/local-registry';

const CLI = resolve(__dirname, '../../../dist/berth-compose.js');
const USER = 'compose-user';
const PASSWORD = 'compose-pw';
const work = mkdtempSync(join(tmpdir(), 'berth-compose-auth-'));
let d: TestDaemon | undefined;
let registry: LocalRegistry | undefined;
let skip: string | undefined;
let image = '';

before(async () => {
  if (!isRoot || !(hasExecutable('/usr/sbin/runc') || hasExecutable('/usr/bin/runc')) || !existsSync(CLI)) {
    if (process.env.CI === 'true') throw new Error('the compose pull tests need root, runc and dist/berth-compose.js');
    skip = 'needs root, runc and a build';
    return;
  }
  const found = registryOrSkip();
  if ('skip' in found) {
    skip = found.skip;
    return;
  }
  registry = await startLocalRegistry(found.binary, { htpasswd: { username: USER, password: PASSWORD } });
  d = await startDaemon();
  await importBusybox(d, 'busybox:latest');
  image = `${registry.host}/private/compose-bb:1`;
  assert.equal((await d.docker(['login', registry.host, '-u', USER, '--password-stdin'], { input: `${PASSWORD}\n` })).code, 0);
  assert.equal((await d.docker(['tag', 'busybox', image])).code, 0);
  const push = await d.docker(['push', image]);
  assert.equal(push.code, 0, push.stderr);
  mkdirSync(join(work, 'app'));
  writeFileSync(join(work, 'app', 'compose.yaml'), `name: authpull\nservices:\n  app:\n    image: ${image}\n    command: ["sh", "-c", "echo pulled with a login; sleep 30"]\n`);
});

after(async () => {
  if (d) await d.docker(['rm', '-f', 'authpull-app-1']);
  await d?.stop();
  await d?.cleanup();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

function compose(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: join(work, 'app'), env: { ...process.env, DOCKER_HOST: d!.dockerHost, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

async function removeImage(): Promise<void> {
  await d!.docker(['rmi', '-f', image]);
  assert.equal((await d!.docker(['images', '-q', image])).stdout, '');
}

test('without a login the pull is refused in the registry\'s words; with the docker CLI\'s login (config.json auths) pull and up work', async (t) => {
  if (!d || !registry) return t.skip(skip);
  await removeImage();
  const emptyConfig = join(work, 'no-logins');
  mkdirSync(emptyConfig, { recursive: true });
  const anonymous = await compose(['pull'], { DOCKER_CONFIG: emptyConfig });
  assert.notEqual(anonymous.code, 0);
  assert.match(anonymous.stderr, /pull access denied for 127\.0\.0\.1:\d+\/private\/compose-bb/);

  // `docker login` above stored the credentials where the test daemon's docker CLI keeps its config.
  const loggedIn = join(d.root, '..', 'docker-config');
  const pull = await compose(['pull'], { DOCKER_CONFIG: loggedIn });
  assert.equal(pull.code, 0, pull.stderr);
  assert.notEqual((await d.docker(['images', '-q', image])).stdout.trim(), '');

  await removeImage();
  const up = await compose(['up', '-d'], { DOCKER_CONFIG: loggedIn });
  assert.equal(up.code, 0, up.stderr);
  assert.equal((await d.docker(['inspect', '-f', '{{.State.Running}}', 'authpull-app-1'])).stdout.trim(), 'true');
  assert.equal((await compose(['down'], { DOCKER_CONFIG: loggedIn })).code, 0);
});

test('credentials from a credential helper (credsStore) are sent too', async (t) => {
  if (!d || !registry) return t.skip(skip);
  await removeImage();
  const bin = join(work, 'bin');
  const config = join(work, 'helper-config');
  mkdirSync(bin, { recursive: true });
  mkdirSync(config, { recursive: true });
  // A helper as the docker CLI calls it: the action as argument, the server URL on stdin, JSON out.
  writeFileSync(join(bin, 'docker-credential-berthtest'), `#!/bin/sh\nread server\n[ "$1" = get ] && [ "$server" = "${registry.host}" ] && echo '{"ServerURL":"${registry.host}","Username":"${USER}","Secret":"${PASSWORD}"}' && exit 0\necho "credentials not found in native keychain"; exit 1\n`);
  chmodSync(join(bin, 'docker-credential-berthtest'), 0o755);
  writeFileSync(join(config, 'config.json'), JSON.stringify({ credsStore: 'berthtest' }));
  const pull = await compose(['pull'], { DOCKER_CONFIG: config, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` });
  assert.equal(pull.code, 0, pull.stderr);
  assert.notEqual((await d.docker(['images', '-q', image])).stdout.trim(), '');
});
