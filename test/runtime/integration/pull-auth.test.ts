// The docker CLI's login flow against berthd: `docker login` (POST /auth) checks the credentials with
// the registry, the CLI stores them, and sends them as X-Registry-Auth with every push and pull.
// Registry: Debian's docker-registry with htpasswd (Basic) auth on 127.0.0.1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../registry/helpers/local-registry.js';

const USER = 'berth-user';
const PASSWORD = 'p';
let d: TestDaemon;
let registry: LocalRegistry | undefined;
let skip: string | undefined;

before(async () => {
  const found = registryOrSkip();
  if ('skip' in found) skip = found.skip;
  else registry = await startLocalRegistry(found.binary, { htpasswd: { username: USER, password: PASSWORD } });
  d = await startDaemon();
  await importBusybox(d, 'busybox:latest');
});
after(async () => {
  await d.stop();
  await d.cleanup();
  await registry?.stop();
});

test('docker login, push and pull with stored credentials, logout', async (t) => {
  if (!registry) return t.skip(skip);
  const name = `${registry.host}/private/bb:1`;
  assert.equal((await d.docker(['tag', 'busybox', name])).code, 0);

  const anonymous = await d.docker(['push', name]);
  assert.notEqual(anonymous.code, 0);
  assert.match(anonymous.stderr, /authentication required|docker login/);

  const wrong = await d.docker(['login', registry.host, '-u', USER, '--password-stdin'], { input: 'wrong\n' });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /Error response from daemon: login to 127\.0\.0\.1:\d+ failed: incorrect username or password/);

  const ok = await d.docker(['login', registry.host, '-u', USER, '--password-stdin'], { input: `${PASSWORD}\n` });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Login Succeeded/);
  const config = JSON.parse(readFileSync(join(d.root, '..', 'docker-config', 'config.json'), 'utf8')) as { auths: Record<string, unknown> };
  assert.ok(config.auths[registry.host], 'the CLI stored the credentials for the registry');

  const push = await d.docker(['push', name]);
  assert.equal(push.code, 0, push.stderr);
  assert.equal((await d.docker(['rmi', name])).code, 0);
  const pull = await d.docker(['pull', name]);
  assert.equal(pull.code, 0, pull.stderr);
  assert.match(pull.stdout, /Status: Downloaded newer image/);

  assert.equal((await d.docker(['logout', registry.host])).code, 0);
  assert.equal((await d.docker(['rmi', name])).code, 0);
  const denied = await d.docker(['pull', name]);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /pull access denied for 127\.0\.0\.1:\d+\/private\/bb, repository does not exist or may require 'docker login'/);
});

test("POST /auth with malformed fields is a 400 naming the field, in Docker's words", async () => {
  const res = await fetchAuth(d.socket, JSON.stringify({ username: 42, password: 'x', serveraddress: 'localhost:1' }));
  assert.equal(res.status, 400);
  assert.match((JSON.parse(res.body) as { message: string }).message, /json: cannot unmarshal number into Go struct field AuthConfig.username of type string/);
  const bad = await fetchAuth(d.socket, '{"username":');
  assert.equal(bad.status, 400);
  assert.match(bad.body, /malformed JSON/);
});

async function fetchAuth(socketPath: string, body: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path: '/v1.41/auth', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
