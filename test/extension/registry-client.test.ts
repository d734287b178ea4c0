// The Registries view's registry client and tree against a stand-in registry on loopback (plain HTTP,
// as engines reach 127.0.0.1): token auth with the credentials Berth keeps, paging through a 10,000-tag
// repository, a registry that lies about content types, bad credentials, a registry that is down.
import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { nextFromLink, parseChallenge, RegistryClient } from '../../extension/registry/registry-client.js';
import type { RegistryCredentials } from '../../extension/registry/registry-credentials.js';
import { RegistriesProvider, tagReference, type RegistryNode } from '../../extension/views/registries-view.js';

const USER = 'alice';
const PASSWORD = 'pw';
const TOKEN = 'tok-123';
const MANY = Array.from({ length: 10_000 }, (_, i) => `v${String(i).padStart(5, '0')}`);
const CONFIG = JSON.stringify({ created: '2026-12-01T00:00:00Z', architecture: 'amd64', os: 'linux' });
const MANIFEST = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: 'sha256:cfg', size: 100 }, layers: [{ size: 1000 }, { size: 24 }] });
let server: http.Server;
let host = '';
const seen: { path: string; auth?: string }[] = [];
const deleted: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ path: url.pathname + url.search, auth: req.headers.authorization });
    if (url.pathname === '/token') {
      const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
      if (req.headers.authorization !== basic) return void res.writeHead(401).end('{"details":"bad login"}');
      // A liar: JSON sent as text/html.
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return void res.end(JSON.stringify({ token: TOKEN }));
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      const scope = url.pathname === '/v2/_catalog' ? 'registry:catalog:*' : `repository:${url.pathname.split('/').slice(2, 4).join('/')}:pull`;
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="fake",scope="${scope}"`, 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    }
    const page = (all: string[], key: string, path: string): void => {
      const n = Number(url.searchParams.get('n') ?? 100);
      const last = url.searchParams.get('last');
      const start = last ? all.indexOf(last) + 1 : 0;
      const items = all.slice(start, start + n);
      const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
      if (start + n < all.length) headers.Link = `<${path}?last=${items.at(-1)}&n=${n}>; rel="next"`;
      res.writeHead(200, headers);
      res.end(JSON.stringify(key === 'tags' ? { name: 'team/app', tags: items } : { repositories: items }));
    };
    if (url.pathname === '/v2/_catalog') return page(['team/app', 'team/web'], 'repositories', '/v2/_catalog');
    if (url.pathname === '/v2/team/app/tags/list') return page(MANY, 'tags', '/v2/team/app/tags/list');
    if (url.pathname === '/v2/team/web/tags/list') return void res.writeHead(200).end('<html>not json</html>');
    if (/^\/v2\/team\/app\/manifests\//.test(url.pathname)) {
      if (req.method === 'DELETE') {
        deleted.push(url.pathname);
        return void res.writeHead(405, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'The operation is unsupported.' }] }));
      }
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': 'sha256:' + 'd'.repeat(64) });
      return void res.end(MANIFEST);
    }
    if (url.pathname === '/v2/team/app/blobs/sha256:cfg') return void res.writeHead(200).end(CONFIG);
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'not found' }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const creds = (password = PASSWORD) => async () => ({ username: USER, password });

test('challenges and Link headers parsed as registries write them', () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), {
    scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
  });
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
  assert.equal(nextFromLink('</v2/_catalog?last=b&n=2>; rel="next"'), 'b');
  assert.equal(nextFromLink(undefined), undefined);
});

test('catalog and tags through a token the registry grants for the credentials; JSON read whatever the Content-Type', async () => {
  const c = new RegistryClient(host, creds());
  assert.deepEqual(await c.repositories(), { items: ['team/app', 'team/web'], next: undefined });
  const first = await c.tags('team/app');
  assert.equal(first.items.length, 100);
  assert.equal(first.next, 'v00099');
  const second = await c.tags('team/app', first.next);
  assert.equal(second.items[0], 'v00100');
  const d = await c.tagDetails('team/app', 'v00001');
  assert.equal(d.digest, 'sha256:' + 'd'.repeat(64));
  assert.equal(d.size, 1124);
  assert.equal(d.created, '2026-12-01T00:00:00Z');
  assert.ok(seen.some((s) => s.path.startsWith('/token?service=fake&scope=repository%3Ateam%2Fapp%3Apull')));
});

test('bad input: wrong password, non-JSON answers, a registry that is down, deletion refused', async () => {
  await assert.rejects(new RegistryClient(host, creds('wrong')).repositories(), /refused the credentials of alice: log in again with "Berth: Log In to Registry"/);
  await assert.rejects(new RegistryClient(host, async () => undefined).repositories(), /wants a login: log in with "Berth: Log In to Registry"/);
  await assert.rejects(new RegistryClient(host, creds()).tags('team/web'), /tag list is not the JSON the distribution API specifies \(Content-Type none, 21 bytes\)/);
  await assert.rejects(new RegistryClient(host, creds()).tags('team/none'), /found nothing when asked to list the tags of team\/none: not found: check the name/);
  await assert.rejects(new RegistryClient(host, creds()).deleteManifest('team/app', 'sha256:abc'), /does not allow deleting: The operation is unsupported\. \(a distribution registry needs storage\.delete\.enabled\)/);
  const down = http.createServer();
  await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
  const port = (down.address() as AddressInfo).port;
  await new Promise<void>((r) => down.close(() => r()));
  await assert.rejects(new RegistryClient(`127.0.0.1:${port}`, creds()).repositories(), /Could not reach 127\.0\.0\.1:\d+: nothing answers at .* \(connection refused\)/);
});

test('the Registries tree: connected and logged-in registries, repositories, 100 tags a page with details, a "more" row', async () => {
  const state = new Map<string, unknown>();
  const memento = { get: <T>(k: string) => state.get(k) as T, update: async (k: string, v: unknown) => void state.set(k, v), keys: () => [...state.keys()] };
  const credentials = {
    forRegistry: async (r: string) => (r === host ? { username: USER, password: PASSWORD } : undefined),
    known: async () => [{ registry: 'ghcr.io', source: 'docker-config' as const, username: 'bob' }],
  } as unknown as RegistryCredentials;
  const p = new RegistriesProvider(memento as never, credentials, () => Date.parse('2026-12-08T00:00:00Z'));
  await p.connect(`http://${host}/v2/`);
  const roots = await p.getChildren();
  assert.deepEqual(roots.map((r) => (r as { registry: string }).registry), [host, 'ghcr.io'].sort());
  const reg = roots.find((r) => r.kind === 'registry' && r.registry === host)!;
  assert.equal(p.getTreeItem(reg).description, 'anonymous');
  const repos = await p.getChildren(reg);
  assert.deepEqual(repos.map((r) => (r as { repository: string }).repository), ['team/app', 'team/web']);
  const started = Date.now();
  const tags = await p.getChildren(repos[0]);
  assert.equal(tags.length, 101);
  const item = p.getTreeItem(tags[0]);
  assert.equal(item.label, 'v00000');
  assert.equal(item.description, 'dddddddddddd  1.1 kB  1 week ago');
  assert.equal(item.contextValue, 'registryTag.digest');
  assert.equal(tags[100].kind, 'more');
  await p.loadMore(tags[100]);
  const more = await p.getChildren(repos[0]);
  assert.equal(more.length, 201);
  assert.ok(Date.now() - started < 60_000);
  const web = await p.getChildren(repos[1]);
  assert.equal(web[0].kind, 'message');
  assert.match((web[0] as { text: string }).text, /not the JSON/);
  assert.equal(tagReference('docker.io', 'library/busybox', '1'), 'busybox:1');
  assert.equal(tagReference(host, 'team/app', 'v1'), `${host}/team/app:v1`);
  await p.disconnect(host);
  assert.deepEqual((await p.getChildren()).map((r: RegistryNode) => (r as { registry: string }).registry), ['ghcr.io']);
});
