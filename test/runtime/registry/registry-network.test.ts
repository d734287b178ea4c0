// The pure parts of reaching registries: which proxy (dockerd's rules), which registries are insecure,
// certs.d reading, the config file, and what `docker info` says.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { registrySettings } from '../../../runtime/daemon/config-file.js';
import { RegistryError } from '../../../runtime/registry/errors.js';
import { maskedProxy, proxyConfigFromEnv, proxyFor } from '../../../runtime/registry/proxy-choice.js';
import { isInsecureRegistry, pullEndpoints, registryInfo, registryNetwork } from '../../../runtime/registry/registry-network.js';
import { registryTls } from '../../../runtime/registry/registry-tls.js';

const P = 'http://proxy.corp:3128';
const via = (url: string, config: Parameters<typeof proxyFor>[1]): string | undefined => proxyFor(new URL(url), config)?.proxy.href;

describe('proxyFor (dockerd / Go rules)', () => {
  it('reads upper case before lower case, as Go does', () => {
    assert.deepEqual(proxyConfigFromEnv({ HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:1', no_proxy: 'x' }), { httpsProxy: 'http://a:1', noProxy: 'x' });
    assert.deepEqual(proxyConfigFromEnv({ http_proxy: 'http://b:1' }), { httpProxy: 'http://b:1' });
  });
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, with no fallback between them', () => {
    assert.equal(via('https://reg.corp/v2/', { httpsProxy: P }), `${P}/`);
    assert.equal(via('https://reg.corp/v2/', { httpProxy: P }), undefined);
    assert.equal(via('http://reg.corp/v2/', { httpProxy: 'proxy.corp:3128' }), `${P}/`);
  });
  it('never proxies localhost or loopback addresses', () => {
    for (const host of ['localhost:5000', '127.0.0.1:5000', '127.9.9.9', '[::1]:5000']) assert.equal(via(`https://${host}/v2/`, { httpsProxy: P }), undefined, host);
  });
  it('honours NO_PROXY names, subdomains, leading dots, ports, IPs, CIDRs and *', () => {
    const c = (noProxy: string) => ({ httpsProxy: P, noProxy });
    assert.equal(via('https://reg.corp/v2/', c('reg.corp')), undefined);
    assert.equal(via('https://a.reg.corp/v2/', c('reg.corp')), undefined);
    assert.equal(via('https://reg.corp/v2/', c('.reg.corp')), `${P}/`);
    assert.equal(via('https://a.reg.corp/v2/', c('*.reg.corp')), undefined);
    assert.equal(via('https://reg.corp:5000/v2/', c('reg.corp:5000')), undefined);
    assert.equal(via('https://reg.corp:5001/v2/', c('reg.corp:5000')), `${P}/`);
    assert.equal(via('https://10.1.2.3/v2/', c('10.0.0.0/8')), undefined);
    assert.equal(via('https://11.1.2.3/v2/', c('10.0.0.0/8, other')), `${P}/`);
    assert.equal(via('https://10.1.2.3:443/v2/', c('10.1.2.3')), undefined);
    assert.equal(via('https://anything/v2/', c('*')), undefined);
    assert.equal(via('https://notreg.corp/v2/', c('reg.corp')), `${P}/`);
  });
  it('refuses a proxy it cannot use, naming the variable', () => {
    assert.throws(() => proxyFor(new URL('https://r/'), { httpsProxy: 'socks5://p:1' }), /HTTPS_PROXY="socks5:\/\/p:1": .*not socks5/);
  });
  it('hides proxy credentials as docker info does', () => {
    assert.equal(maskedProxy('http://user:secret@proxy:3128'), 'http://xxxxx:xxxxx@proxy:3128');
    assert.equal(maskedProxy('http://proxy:3128'), 'http://proxy:3128');
  });
});

describe('insecure registries and mirrors', () => {
  const network = registryNetwork({ env: {}, insecureRegistries: ['reg.corp:5000', '10.0.0.0/8'], mirrors: ['https://mirror.corp'] });
  it('matches names as listed, CIDR ranges by address, and loopback always', async () => {
    assert.equal(await isInsecureRegistry('reg.corp:5000', network), true);
    assert.equal(await isInsecureRegistry('reg.corp:5001', network), false);
    assert.equal(await isInsecureRegistry('10.2.3.4:5000', network), true);
    assert.equal(await isInsecureRegistry('11.2.3.4', network), false);
    assert.equal(await isInsecureRegistry('localhost:5000', undefined), true);
  });
  it('asks the mirrors first for Docker Hub only', async () => {
    assert.deepEqual((await pullEndpoints('docker.io', network)).map((e) => [e.endpoint.origin, e.mirror]), [['https://mirror.corp', true], ['https://registry-1.docker.io', false]]);
    assert.deepEqual((await pullEndpoints('ghcr.io', network)).map((e) => e.endpoint.origin), ['https://ghcr.io']);
  });
  it('shows them in docker info', () => {
    const info = registryInfo(network) as { RegistryConfig: { InsecureRegistryCIDRs: string[]; IndexConfigs: Record<string, { Secure: boolean }>; Mirrors: string[] } };
    assert.deepEqual(info.RegistryConfig.InsecureRegistryCIDRs, ['127.0.0.0/8', '10.0.0.0/8']);
    assert.equal(info.RegistryConfig.IndexConfigs['reg.corp:5000']?.Secure, false);
    assert.deepEqual(info.RegistryConfig.Mirrors, ['https://mirror.corp']);
  });
});

describe('certs.d and the config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-network-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every *.crt as a CA and a *.cert with its *.key; names a certificate without its key', async () => {
    const host = join(dir, 'certs.d', 'reg.corp:5000');
    mkdirSync(host, { recursive: true });
    writeFileSync(join(host, 'ca.crt'), 'CA-ONE');
    writeFileSync(join(host, 'extra.crt'), 'CA-TWO');
    const tls = await registryTls(join(dir, 'certs.d'), 'reg.corp:5000', false);
    assert.deepEqual(tls.ca.slice(-2), ['CA-ONE', 'CA-TWO']);
    assert.equal(tls.cert, undefined);
    writeFileSync(join(host, 'client.cert'), 'CERT');
    await assert.rejects(registryTls(join(dir, 'certs.d'), 'reg.corp:5000', false), (e: unknown) => e instanceof RegistryError && /missing key client.key for client certificate .*CA certificates must use the extension .crt/.test(e.message));
    writeFileSync(join(host, 'client.key'), 'KEY');
    const withClient = await registryTls(join(dir, 'certs.d'), 'reg.corp:5000', true);
    assert.deepEqual([withClient.cert, withClient.key, withClient.insecure], ['CERT', 'KEY', true]);
    assert.equal((await registryTls(join(dir, 'certs.d'), 'other:1', false)).hostDir, join(dir, 'certs.d', 'other:1'));
  });

  it('takes insecure-registries and registry-mirrors from the file or the flags, not both, and refuses other keys', async () => {
    const file = join(dir, 'daemon.json');
    writeFileSync(file, JSON.stringify({ 'insecure-registries': ['a:5000'], 'registry-mirrors': ['https://m.corp'] }));
    assert.deepEqual(await registrySettings({ socket: '', root: '', configFile: file }, false), { insecureRegistries: ['a:5000'], registryMirrors: ['https://m.corp'] });
    assert.deepEqual(await registrySettings({ socket: '', root: '', configFile: join(dir, 'absent.json'), insecureRegistries: ['b'] }, false).catch((e: Error) => e.message), `cannot read the configuration file ${join(dir, 'absent.json')}: ENOENT: no such file or directory, open '${join(dir, 'absent.json')}'`);
    await assert.rejects(registrySettings({ socket: '', root: '', configFile: file, insecureRegistries: ['b'] }, false), /specified both as a flag and in the configuration file .*: insecure-registries/);
    writeFileSync(file, JSON.stringify({ debug: true }));
    await assert.rejects(registrySettings({ socket: '', root: '', configFile: file }, false), /keys berthd does not use: debug/);
    writeFileSync(file, JSON.stringify({ 'registry-mirrors': ['mirror.corp'] }));
    await assert.rejects(registrySettings({ socket: '', root: '', configFile: file }, false), /registry mirror mirror.corp .*https:\/\//);
    writeFileSync(file, '{');
    await assert.rejects(registrySettings({ socket: '', root: '', configFile: file }, false), /is not valid JSON/);
  });
});

describe('pulls through a proxy (fake registry, named by a host only the proxy resolves)', () => {
  it('goes through HTTP_PROXY as absolute-URI requests for a plain-HTTP insecure registry; a 407 says to put credentials in the variable', async () => {
    const { FakeRegistry } = await import('./helpers/fake-registry.js');
    const { amd64, publish, tempStore } = await import('./helpers/fixtures.js');
    const { buildSmallImage } = await import('./helpers/image-builder.js');
    const { startConnectProxy } = await import('./helpers/connect-proxy.js');
    const { pullImage } = await import('../../../runtime/registry/pull.js');
    const fake = await new FakeRegistry().start();
    const { store: source, cleanup: cleanSource } = await tempStore();
    const { store: sink, cleanup: cleanSink } = await tempStore();
    const port = fake.host.split(':')[1];
    const name = `fake.berth.test:${port}`;
    const open = await startConnectProxy({ 'fake.berth.test': '127.0.0.1' });
    const guarded = await startConnectProxy({ 'fake.berth.test': '127.0.0.1' }, { requireAuth: 'ann:pw' });
    try {
      await publish(fake, source, 'team/app', 'v1', await buildSmallImage(source, 1));
      const network = (proxy: string) => registryNetwork({ env: {}, insecureRegistries: [name], proxy: { httpProxy: proxy, httpsProxy: proxy } });
      const pulled = await pullImage({ registry: name, repository: 'team/app', tag: 'v1' }, { platform: amd64, sink, progress: () => {}, network: network(open.url) });
      assert.ok(pulled.layers.length === 1);
      assert.ok(open.requests.includes(`GET http://${name}/v2/`), open.requests.join(', '));

      await assert.rejects(
        pullImage({ registry: name, repository: 'team/app', tag: 'v1' }, { platform: amd64, sink, progress: () => {}, network: network(guarded.url), retry: { attempts: 1 } }),
        (e: unknown) => e instanceof RegistryError && e.message.includes('the proxy answered HTTP 407; the proxy wants credentials: put them in HTTP') && e.message.includes(`through proxy ${guarded.url}`),
      );
      const withAuth = guarded.url.replace('http://', 'http://ann:pw@');
      const again = await pullImage({ registry: name, repository: 'team/app', tag: 'v1' }, { platform: amd64, sink, progress: () => {}, network: network(withAuth) });
      assert.equal(again.configDigest, pulled.configDigest);
    } finally {
      await open.stop();
      await guarded.stop();
      await fake.stop();
      await cleanSource();
      await cleanSink();
    }
  });
});
