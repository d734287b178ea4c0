import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import Dockerode from 'dockerode';
import { registryAuthHeader, registryConfigHeader, type AuthConfig } from '../../extension/registry/auth-config.js';
import { BerthCredentials } from '../../extension/registry/berth-credentials.js';
import { credentialHelperRunner } from '../../extension/registry/credential-helper.js';
import { DockerConfig, dockerConfigPath } from '../../extension/registry/docker-config.js';
import { RegistryCredentials } from '../../extension/registry/registry-credentials.js';
import { checkRegistryAddress, configKeyOf, normalizeRegistry, registryOfImage } from '../../extension/registry/registry-names.js';
import { makeHelperFixture, MemorySecrets } from './credential-helper-fixture.js';

const decode = (h: string): unknown => JSON.parse(Buffer.from(h.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function tempConfig(content?: object): { file: string; dispose(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dockercfg-'));
  const file = path.join(dir, 'config.json');
  if (content) fs.writeFileSync(file, JSON.stringify(content));
  return { file, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('registry names: the image ref to its registry, Docker Hub under its v1 key', () => {
  assert.equal(registryOfImage('busybox'), 'docker.io');
  assert.equal(registryOfImage('user/app:1'), 'docker.io');
  assert.equal(registryOfImage('docker.io/library/busybox'), 'docker.io');
  assert.equal(registryOfImage('127.0.0.1:5000/app:v1'), '127.0.0.1:5000');
  assert.equal(registryOfImage('localhost/app'), 'localhost');
  assert.equal(registryOfImage('GHCR.io/o/a@sha256:00'), 'ghcr.io');
  assert.equal(normalizeRegistry('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(normalizeRegistry('http://localhost:5000/v2/'), 'localhost:5000');
  assert.equal(configKeyOf('docker.io'), 'https://index.docker.io/v1/');
  assert.equal(configKeyOf('127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(checkRegistryAddress('127.0.0.1:5000'), undefined);
  assert.match(checkRegistryAddress('') ?? '', /Enter a registry host/);
  assert.match(checkRegistryAddress('not a host') ?? '', /is not a registry host/);
});

test('headers: base64url JSON of one AuthConfig, or of every registry for a build', () => {
  // A password whose base64 has + and / in the standard alphabet.
  const auth = { username: 'u', password: '>>>???', serveraddress: 'r:5000' };
  const h = registryAuthHeader(auth);
  assert.doesNotMatch(h, /[+/]/);
  assert.deepEqual(decode(h), auth);
  assert.deepEqual(decode(registryAuthHeader(undefined)), {});
  const all = new Map<string, AuthConfig>([['https://index.docker.io/v1/', { username: 'hub', password: 'p' }], ['r:5000', auth]]);
  assert.deepEqual(decode(registryConfigHeader(all)), { 'https://index.docker.io/v1/': { username: 'hub', password: 'p' }, 'r:5000': auth });
});

test('docker config path: $DOCKER_CONFIG, else ~/.docker', () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/etc/dc' }, '/home/a'), '/etc/dc/config.json');
  assert.equal(dockerConfigPath({}, '/home/a'), '/home/a/.docker/config.json');
});

test('auths: base64 user:password, identity tokens, keys written with a scheme; no file is no credentials', async () => {
  const cfg = tempConfig({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
      'http://127.0.0.1:5000': { auth: b64('alice:s3cret') },
      'ghcr.io': { auth: b64('bob:'), identitytoken: 'tok-123' },
      'empty.example': {},
    },
  });
  try {
    const dc = new DockerConfig(cfg.file, credentialHelperRunner());
    assert.deepEqual(await dc.get('docker.io'), { username: 'hubuser', password: 'hub:pass', serveraddress: 'https://index.docker.io/v1/' });
    assert.deepEqual(await dc.get('127.0.0.1:5000'), { username: 'alice', password: 's3cret', serveraddress: '127.0.0.1:5000' });
    assert.deepEqual(await dc.get('ghcr.io'), { username: 'bob', identitytoken: 'tok-123', serveraddress: 'ghcr.io' });
    assert.equal(await dc.get('empty.example'), undefined);
    assert.equal(await dc.get('quay.io'), undefined);
    assert.deepEqual([...(await dc.all()).keys()].sort(), ['127.0.0.1:5000', 'ghcr.io', 'https://index.docker.io/v1/']);
  } finally {
    cfg.dispose();
  }
  const none = tempConfig();
  try {
    assert.equal(await new DockerConfig(none.file, credentialHelperRunner()).get('docker.io'), undefined);
  } finally {
    none.dispose();
  }
});

test('credsStore and credHelpers: docker-credential-<name> get with the server URL on stdin', async () => {
  const helper = makeHelperFixture();
  const cfg = tempConfig({ auths: { 'https://index.docker.io/v1/': {} }, credsStore: 'berthtest', credHelpers: { 'per.example': 'berthtest', 'broken.example': 'missing' } });
  try {
    helper.seed('https://index.docker.io/v1/', 'hubuser', 'hubsecret');
    helper.seed('per.example', '<token>', 'identity-tok');
    const dc = new DockerConfig(cfg.file, credentialHelperRunner(helper.env));
    assert.deepEqual(await dc.get('docker.io'), { username: 'hubuser', password: 'hubsecret', serveraddress: 'https://index.docker.io/v1/' });
    assert.deepEqual(await dc.get('per.example'), { identitytoken: 'identity-tok', serveraddress: 'per.example' });
    // Not found in the helper: no credentials, not an error.
    assert.equal(await dc.get('127.0.0.1:5000'), undefined);
    assert.ok(helper.calls().includes('get https://index.docker.io/v1/'));
    // A helper that is not installed says so.
    await assert.rejects(dc.get('broken.example'), /docker-credential-missing .*is not on PATH/);
    // `list` finds what the store holds; the missing helper's registry is left out, not fatal.
    const all = await dc.all();
    assert.deepEqual([...all.keys()].sort(), ['https://index.docker.io/v1/', 'per.example']);
  } finally {
    cfg.dispose();
    helper.dispose();
  }
});

test('store and erase as docker login/logout: through the helper when there is one, else base64 in auths', async () => {
  const helper = makeHelperFixture();
  const plain = tempConfig({ credHelpers: {}, other: 'kept' });
  const withStore = tempConfig({ credsStore: 'berthtest' });
  try {
    const dc = new DockerConfig(plain.file, credentialHelperRunner(helper.env));
    await dc.store('127.0.0.1:5000', { username: 'alice', password: 'pw' });
    const written = JSON.parse(fs.readFileSync(plain.file, 'utf8')) as { auths: Record<string, { auth: string }>; other: string };
    assert.equal(Buffer.from(written.auths['127.0.0.1:5000'].auth, 'base64').toString(), 'alice:pw');
    assert.equal(written.other, 'kept');
    assert.equal(fs.statSync(plain.file).mode & 0o777, 0o600);
    assert.match(dc.storeDescription('127.0.0.1:5000'), /config\.json \(base64/);
    await dc.erase('127.0.0.1:5000');
    assert.equal(await dc.get('127.0.0.1:5000'), undefined);

    const ds = new DockerConfig(withStore.file, credentialHelperRunner(helper.env));
    assert.equal(ds.storeDescription('docker.io'), 'docker-credential-berthtest');
    await ds.store('docker.io', { username: 'hubuser', password: 'hubpw' });
    const cfgText = fs.readFileSync(withStore.file, 'utf8');
    assert.doesNotMatch(cfgText, /hubpw/);
    assert.deepEqual((JSON.parse(cfgText) as { auths: object }).auths, { 'https://index.docker.io/v1/': {} });
    assert.deepEqual(await ds.get('docker.io'), { username: 'hubuser', password: 'hubpw', serveraddress: 'https://index.docker.io/v1/' });
    await ds.store('ghcr.io', { username: 'bob', identitytoken: 'tok' });
    assert.deepEqual(await ds.get('ghcr.io'), { identitytoken: 'tok', serveraddress: 'ghcr.io' });
    await ds.erase('docker.io');
    assert.equal(await ds.get('docker.io'), undefined);
    assert.ok(helper.calls().includes('erase https://index.docker.io/v1/'));
    assert.ok(helper.calls().includes('store https://index.docker.io/v1/'));
  } finally {
    plain.dispose();
    withStore.dispose();
    helper.dispose();
  }
});

test("Berth's logins come first; the docker config fills in the rest; a broken config is a warning", async () => {
  const cfg = tempConfig({ auths: { '127.0.0.1:5000': { auth: b64('cli:clipw') }, 'other:5000': { auth: b64('o:opw') } } });
  try {
    const secrets = new MemorySecrets();
    const berth = new BerthCredentials(secrets);
    const creds = new RegistryCredentials(berth, new DockerConfig(cfg.file, credentialHelperRunner()));
    assert.deepEqual(decode((await creds.pullPushAuth('127.0.0.1:5000/app:1')).base64), { username: 'cli', password: 'clipw', serveraddress: '127.0.0.1:5000' });
    await berth.store('127.0.0.1:5000', { username: 'berth', password: 'bpw', serveraddress: 'ignored' });
    assert.deepEqual(decode((await creds.pullPushAuth('127.0.0.1:5000/app:1')).base64), { username: 'berth', password: 'bpw', serveraddress: '127.0.0.1:5000' });
    assert.deepEqual(decode((await creds.pullPushAuth('busybox')).base64), {});
    assert.deepEqual(decode((await creds.buildRegistryConfig()).base64), {
      '127.0.0.1:5000': { username: 'berth', password: 'bpw', serveraddress: '127.0.0.1:5000' },
      'other:5000': { username: 'o', password: 'opw', serveraddress: 'other:5000' },
    });
    assert.deepEqual(
      (await creds.known()).map((k) => `${k.registry} ${k.source} ${k.username}`).sort(),
      ['127.0.0.1:5000 berth berth', '127.0.0.1:5000 docker-config cli', 'other:5000 docker-config o'],
    );
    await berth.erase('127.0.0.1:5000');
    assert.deepEqual(await berth.registries(), []);
    fs.writeFileSync(cfg.file, '{ not json');
    const warnings: string[] = [];
    const warned = new RegistryCredentials(berth, new DockerConfig(cfg.file, credentialHelperRunner()), (l) => warnings.push(l));
    assert.deepEqual(decode((await warned.pullPushAuth('127.0.0.1:5000/app')).base64), {});
    assert.match(warnings[0], /is not valid JSON/);
    assert.match(new DockerConfig(cfg.file, credentialHelperRunner()).storeDescription('x:1'), /^cannot be read now: .*is not valid JSON/);
  } finally {
    cfg.dispose();
  }
});

test('dockerode sends the pre-encoded headers as they are on pull, push and build', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-hdr-'));
  const socketPath = path.join(dir, 's.sock');
  const seen: { url: string; auth?: string; config?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers['x-registry-auth'] as string | undefined, config: req.headers['x-registry-config'] as string | undefined });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"ok"}\n');
    });
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  try {
    const docker = new Dockerode({ socketPath });
    const authconfig = { base64: registryAuthHeader({ username: 'u', password: '>>>???' }) };
    const drain = async (s: NodeJS.ReadableStream): Promise<void> => {
      for await (const _ of s) void _;
    };
    await drain(await docker.pull('127.0.0.1:5000/app:1', { authconfig }));
    await drain(await docker.getImage('127.0.0.1:5000/app:1').push({ authconfig }));
    const registryconfig = { base64: registryConfigHeader(new Map([['r:5000', { username: 'u', password: '>>>???' }]])) } as unknown as Dockerode.RegistryConfig;
    const { Readable } = await import('node:stream');
    await drain(await docker.buildImage(Readable.from([Buffer.alloc(1024)]) as unknown as NodeJS.ReadableStream, { t: 'x', registryconfig }));
    assert.equal(seen.length, 3);
    assert.equal(seen[0].auth, authconfig.base64);
    assert.doesNotMatch(seen[0].url, /authconfig|base64/);
    assert.equal(seen[1].auth, authconfig.base64);
    assert.equal(seen[2].config, registryconfig.base64 as unknown as string);
    assert.doesNotMatch(seen[2].url, /registryconfig|base64/);
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
