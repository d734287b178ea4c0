// Registries the way companies reach them: through an HTTP proxy named in berthd's environment, with
// a private CA in certs.d, a client certificate, and insecure-registries in the config file. The
// registries are Debian's docker-registry on 127.0.0.1 serving TLS with a certificate from a test CA
// for `registry.berth.test`, a name only the test proxy resolves (so a pull can only succeed through
// the proxy, as behind a company proxy).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { startConnectProxy, type TestProxy } from '../registry/helpers/connect-proxy.js';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../registry/helpers/local-registry.js';
import { makeTestCa, type TestCa } from '../registry/helpers/test-ca.js';

const NAME = 'registry.berth.test';
let ca: TestCa | undefined;
let registry: LocalRegistry | undefined;
let mtls: LocalRegistry | undefined;
let proxy: TestProxy | undefined;
let d: TestDaemon | undefined;
let work: string;
let skip: string | undefined;

/** The registry's address as berthd sees it: the proxy's name for it, same port. */
const named = (r: LocalRegistry): string => `${NAME}:${r.host.split(':')[1]}`;

/** Starts berthd with `env` added to its environment (a spawned daemon copies it at start). */
async function daemonWith(env: Record<string, string>, args: string[]): Promise<TestDaemon> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await startDaemon({ args });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const PROXY_ENV = (p: TestProxy): Record<string, string> => ({ HTTPS_PROXY: p.url, HTTP_PROXY: p.url, NO_PROXY: '', https_proxy: '', http_proxy: '', no_proxy: '' });

before(async () => {
  const found = registryOrSkip();
  if ('skip' in found) {
    skip = found.skip;
    return;
  }
  work = mkdtempSync(join(tmpdir(), 'berth-registry-network-'));
  ca = await makeTestCa([NAME]);
  registry = await startLocalRegistry(found.binary, { tls: { certificate: ca.serverCert, key: ca.serverKey } });
  mtls = await startLocalRegistry(found.binary, { tls: { certificate: ca.serverCert, key: ca.serverKey, clientCa: ca.caCert } });
  proxy = await startConnectProxy({ [NAME]: '127.0.0.1' });
  mkdirSync(join(work, 'certs.d'));
  d = await daemonWith(PROXY_ENV(proxy), ['--registry-certs-dir', join(work, 'certs.d')]);
  await importBusybox(d, 'busybox:latest');
});

after(async () => {
  await d?.stop();
  await d?.cleanup();
  await registry?.stop();
  await mtls?.stop();
  await proxy?.stop();
  await ca?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('through the proxy: an unknown CA is refused naming certs.d; with ca.crt there, push, pull and run work', async (t) => {
  if (!d || !registry || !proxy || !ca) return t.skip(skip);
  const host = named(registry);
  const image = `${host}/team/bb:1`;
  assert.equal((await d.docker(['tag', 'busybox', image])).code, 0);

  const refused = await d.docker(['push', image]);
  assert.notEqual(refused.code, 0);
  const hostDir = join(work, 'certs.d', host);
  assert.match(refused.stderr, new RegExp(`cannot reach registry ${host.replace(/\./g, '\\.')} through proxy http://127\\.0\\.0\\.1:\\d+ \\(HTTPS_PROXY\\): x509: certificate signed by unknown authority`));
  assert.ok(refused.stderr.includes(`put the registry's CA certificate in ${hostDir}/ca.crt, or add ${host} to insecure-registries`), refused.stderr);
  assert.ok(proxy.requests.includes(`CONNECT ${host}`), `the proxy was asked for ${host}: ${proxy.requests.join(', ')}`);

  // Read at each operation, as dockerd does: no restart needed.
  mkdirSync(hostDir, { recursive: true });
  copyFileSync(ca.caCert, join(hostDir, 'ca.crt'));
  const before = proxy.requests.length;
  const push = await d.docker(['push', image]);
  assert.equal(push.code, 0, push.stderr);
  assert.equal((await d.docker(['rmi', image])).code, 0);
  const pull = await d.docker(['pull', image]);
  assert.equal(pull.code, 0, pull.stderr);
  assert.match(pull.stdout, /Status: Downloaded newer image/);
  const run = await d.docker(['run', '--rm', image, 'echo', 'through the proxy']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'through the proxy');
  const tunnels = proxy.requests.slice(before);
  assert.ok(tunnels.length >= 2 && tunnels.every((r) => r === `CONNECT ${host}`), `every connection went through the proxy to the registry: ${tunnels.join(', ')}`);
});

test('docker info shows the proxies berthd was started with', async (t) => {
  if (!d || !proxy) return t.skip(skip);
  const info = await d.docker(['info', '--format', '{{.HTTPSProxy}}|{{.HTTPProxy}}|{{.NoProxy}}']);
  assert.equal(info.code, 0, info.stderr);
  assert.equal(info.stdout.trim(), `${proxy.url}|${proxy.url}|`);
});

test('a loopback registry is reached directly, never through the proxy (as dockerd)', async (t) => {
  if (!d || !registry || !proxy) return t.skip(skip);
  const before = proxy.requests.length;
  // The same registry by its loopback address: insecure by default, so its certificate is not checked.
  const image = `${registry.host}/team/direct:1`;
  assert.equal((await d.docker(['tag', 'busybox', image])).code, 0);
  const push = await d.docker(['push', image]);
  assert.equal(push.code, 0, push.stderr);
  assert.equal(proxy.requests.length, before, `no proxy request for a loopback registry: ${proxy.requests.slice(before).join(', ')}`);
});

test('a registry that demands a client certificate: refused naming client.cert; works with client.cert and client.key in certs.d', async (t) => {
  if (!d || !mtls || !ca) return t.skip(skip);
  const host = named(mtls);
  const hostDir = join(work, 'certs.d', host);
  mkdirSync(hostDir, { recursive: true });
  copyFileSync(ca.caCert, join(hostDir, 'ca.crt'));
  const image = `${host}/team/mtls:1`;
  assert.equal((await d.docker(['tag', 'busybox', image])).code, 0);
  const refused = await d.docker(['push', image]);
  assert.notEqual(refused.code, 0);
  assert.ok(refused.stderr.includes(`put client.cert and client.key in ${hostDir}`), refused.stderr);

  // A key without its certificate is named, as dockerd does.
  copyFileSync(ca.clientKey, join(hostDir, 'client.key'));
  const half = await d.docker(['push', image]);
  assert.notEqual(half.code, 0);
  assert.ok(half.stderr.includes(`missing client certificate client.cert for key ${join(hostDir, 'client.key')}`), half.stderr);

  copyFileSync(ca.clientCert, join(hostDir, 'client.cert'));
  const push = await d.docker(['push', image]);
  assert.equal(push.code, 0, push.stderr);
  assert.equal((await d.docker(['rmi', image])).code, 0);
  const pull = await d.docker(['pull', image]);
  assert.equal(pull.code, 0, pull.stderr);
});

test('insecure-registries and registry-mirrors in the config file: the certificate is not checked, Docker Hub names come from the mirror; bad config files stop the daemon with the reason', async (t) => {
  if (!registry || !proxy) return t.skip(skip);
  const host = named(registry);
  const config = join(work, 'daemon.json');
  writeFileSync(config, JSON.stringify({ 'insecure-registries': [host], 'registry-mirrors': [`https://${registry.host}`] }));
  const insecure = await daemonWith(PROXY_ENV(proxy), ['--config-file', config, '--registry-certs-dir', join(work, 'empty-certs.d')]);
  try {
    await importBusybox(insecure, 'busybox:latest');
    const image = `${host}/team/insecure:1`;
    assert.equal((await insecure.docker(['tag', 'busybox', image])).code, 0);
    const push = await insecure.docker(['push', image]);
    assert.equal(push.code, 0, push.stderr);
    const info = await insecure.docker(['info', '--format', '{{json .RegistryConfig.IndexConfigs}}']);
    assert.match(info.stdout, new RegExp(`"${host.replace(/\./g, '\\.')}":\\{[^}]*"Secure":false`));

    // A Docker Hub name is asked of the mirror first (here the same registry, by its loopback address).
    const mirrored = `${registry.host}/library/mirrored:1`;
    assert.equal((await insecure.docker(['tag', 'busybox', mirrored])).code, 0);
    assert.equal((await insecure.docker(['push', mirrored])).code, 0);
    const pull = await insecure.docker(['pull', 'mirrored:1']);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /Status: Downloaded newer image for mirrored:1/);
  } finally {
    await insecure.stop();
    await insecure.cleanup();
  }

  writeFileSync(config, JSON.stringify({ 'insecure-registries': [host], 'log-driver': 'local' }));
  await assert.rejects(startDaemon({ args: ['--config-file', config] }), /keys berthd does not use: log-driver/);
  writeFileSync(config, JSON.stringify({ 'insecure-registries': ['https://x:5000'] }));
  await assert.rejects(startDaemon({ args: ['--config-file', config] }), /insecure registry https:\/\/x:5000 should not contain '::\/\/'|should not contain ':\/\/'/);
});
