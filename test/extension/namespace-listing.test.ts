// The user's own repositories on Docker Hub and ghcr.io, against a local stand-in for hub.docker.com
// and api.github.com that answers as their documented APIs do: Hub's JWT login (and its 2FA refusal),
// repositories paged by `next`, organizations, a token that expires, 429 with Retry-After; GitHub's
// packages paged by the Link header, Bad credentials, a token without read:packages, a rate limit.
// Also the Registries tree over them, with Add Repository as the fallback.
import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { NamespaceLister, nextLink } from '../../extension/registry/namespace-listing.js';
import type { RegistryCredentials } from '../../extension/registry/registry-credentials.js';
import { RegistriesProvider } from '../../extension/views/registries-view.js';

let server: http.Server;
let base = '';
let logins = 0;
let tokenGeneration = 0;
/** Set by a test: the next repository request is refused as if the JWT had expired. */
let expireOnce = false;
let rateLimited = false;
const requests: string[] = [];

const HUB_REPOS = Array.from({ length: 250 }, (_, i) => `app-${String(i).padStart(3, '0')}`);
const PACKAGES = Array.from({ length: 150 }, (_, i) => `pkg-${String(i).padStart(3, '0')}`);

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      // Docker Hub
      if (url.pathname === '/v2/users/login') {
        const { username, password } = JSON.parse(body) as { username: string; password: string };
        if (username === 'mfa') return json(res, 401, { detail: 'Require secondary authentication on MFA enabled account', login_2fa_token: 'x' });
        if (username !== 'alice' || password !== 'dckr_pat_good') return json(res, 401, { detail: 'Incorrect authentication credentials' });
        logins++;
        return json(res, 200, { token: `jwt-${++tokenGeneration}` });
      }
      if (url.pathname.startsWith('/v2/')) {
        if (rateLimited) return json(res, 429, { detail: 'Too many requests' }, { 'Retry-After': '42', 'X-RateLimit-Remaining': '0' });
        if (req.headers.authorization !== `Bearer jwt-${tokenGeneration}` || expireOnce) {
          expireOnce = false;
          return json(res, 401, { detail: 'Token expired' });
        }
        if (url.pathname === '/v2/user/orgs/') return json(res, 200, { count: 1, next: null, previous: null, results: [{ id: 'o1', orgname: 'Acme', full_name: 'Acme Inc.' }] });
        const m = /^\/v2\/repositories\/([^/]+)\/$/.exec(url.pathname);
        if (m) {
          const all = m[1] === 'alice' ? HUB_REPOS : m[1] === 'acme' ? ['site', 'worker'] : undefined;
          if (!all) return json(res, 404, { message: 'object not found', errinfo: {} });
          const size = Number(url.searchParams.get('page_size') ?? 10);
          const page = Number(url.searchParams.get('page') ?? 1);
          const slice = all.slice((page - 1) * size, page * size);
          const next = page * size < all.length ? `${base}/v2/repositories/${m[1]}/?page=${page + 1}&page_size=${size}` : null;
          return json(res, 200, { count: all.length, next, previous: null, results: slice.map((name) => ({ name, namespace: m[1], repository_type: 'image', is_private: false, last_updated: '2026-12-01T00:00:00Z' })) });
        }
        return json(res, 404, { message: 'not found' });
      }
      // GitHub
      if (url.pathname === '/user/packages') {
        if (url.searchParams.get('package_type') !== 'container') return json(res, 400, { message: 'package_type is required' });
        const auth = req.headers.authorization;
        if (auth === 'Bearer ghp_limited') return json(res, 403, { message: 'API rate limit exceeded for user ID 1.' }, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.floor(Date.parse('2026-12-07T18:00:00Z') / 1000)) });
        if (auth === 'Bearer ghp_noscope') return json(res, 403, { message: 'You need at least read:packages scope to list packages.', documentation_url: 'https://docs.github.com/rest/packages/packages' });
        if (auth !== 'Bearer ghp_good') return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
        const per = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const slice = PACKAGES.slice((page - 1) * per, page * per);
        const last = Math.ceil(PACKAGES.length / per);
        const links = [];
        if (page < last) links.push(`<${base}/user/packages?package_type=container&per_page=${per}&page=${page + 1}>; rel="next"`, `<${base}/user/packages?package_type=container&per_page=${per}&page=${last}>; rel="last"`);
        return json(res, 200, slice.map((name, i) => ({ id: i, name, package_type: 'container', owner: { login: 'Bob', type: 'User' }, visibility: 'private', url: `${base}/users/Bob/packages/container/${name}` })), links.length ? { Link: links.join(', ') } : {});
      }
      json(res, 404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  expireOnce = false;
  rateLimited = false;
  requests.length = 0;
});

const apis = () => ({ hub: base, github: base });
const alice = { username: 'alice', password: 'dckr_pat_good' };

test("Docker Hub: the user's and their organizations' repositories, 100 a page by `next`, one login reused", async () => {
  const lister = new NamespaceLister(apis());
  const seen: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const page = await lister.repositories('docker.io', alice, next);
    seen.push(...page.items);
    next = page.next;
    pages++;
  } while (next && pages < 10);
  assert.equal(pages, 4);
  assert.deepEqual(seen, [...HUB_REPOS.map((r) => `alice/${r}`), 'acme/site', 'acme/worker']);
  assert.equal(logins, 1);
  assert.ok(requests.includes('GET /v2/repositories/alice/?page_size=100'), requests.join('\n'));
  // The API refuses an old token once: Berth logs in again and carries on.
  expireOnce = true;
  const again = await lister.repositories('docker.io', alice);
  assert.equal(again.items.length, 100);
  assert.equal(logins, 2);
});

test('Docker Hub: wrong password, two-factor accounts, no login, and 429 with the time to wait', async () => {
  const lister = new NamespaceLister(apis());
  await assert.rejects(lister.repositories('docker.io', { username: 'alice', password: 'wrong' }), /Docker Hub refused the login of alice \(Incorrect authentication credentials\): log in again/);
  await assert.rejects(lister.repositories('docker.io', { username: 'mfa', password: 'pw' }), /wants a second factor for mfa: log in with a personal access token/);
  await assert.rejects(lister.repositories('docker.io', undefined), /needs a login .* add one by name \(Add Repository\.\.\.\)/);
  await assert.rejects(lister.repositories('docker.io', { username: 'alice', identitytoken: 'refresh' }), /needs a login with a username and a password/);
  await lister.repositories('docker.io', alice);
  rateLimited = true;
  await assert.rejects(lister.repositories('docker.io', alice), (err: Error & { status?: number }) => {
    assert.equal(err.status, 429);
    assert.match(err.message, /Docker Hub's API is rate limited for now \(HTTP 429\): try again in 42 s, then refresh\./);
    return true;
  });
});

test('ghcr.io: the token\'s container packages paged by the Link header; bad token, missing scope, rate limit', async () => {
  const lister = new NamespaceLister(apis());
  const first = await lister.repositories('ghcr.io', { username: 'bob', password: 'ghp_good' });
  assert.equal(first.items.length, 100);
  assert.equal(first.items[0], 'bob/pkg-000');
  assert.match(first.next ?? '', /page=2/);
  const second = await lister.repositories('ghcr.io', { username: 'bob', password: 'ghp_good' }, first.next);
  assert.equal(second.items.length, 50);
  assert.equal(second.next, undefined);
  assert.ok(requests[0].startsWith('GET /user/packages?package_type=container&per_page=100'), requests[0]);
  await assert.rejects(lister.repositories('ghcr.io', { username: 'bob', password: 'nope' }), /GitHub refused the token of the ghcr.io login \(bob\) \(Bad credentials\)/);
  await assert.rejects(lister.repositories('ghcr.io', { username: 'bob', password: 'ghp_noscope' }), /may not list packages \(You need at least read:packages scope to list packages\.\): it needs the read:packages scope/);
  await assert.rejects(lister.repositories('ghcr.io', { username: 'bob', password: 'ghp_limited' }), /GitHub's API is rate limited for this token \(HTTP 403: API rate limit exceeded for user ID 1\.\): try again after/);
  // A next page on another host is not followed with the token.
  await assert.rejects(lister.repositories('ghcr.io', { username: 'bob', password: 'ghp_good' }, 'https://evil.example/user/packages?page=2'), /another host \(evil\.example\)/);
  assert.equal(nextLink('<https://api.github.com/user/packages?page=3>; rel="next", <https://api.github.com/user/packages?page=9>; rel="last"'), 'https://api.github.com/user/packages?page=3');
  assert.equal(nextLink('<https://api.github.com/user/packages?page=1>; rel="prev"'), undefined);
});

test('the Registries tree: own repositories under docker.io with a "more" row; ghcr.io without a login says so and keeps added ones', async () => {
  const state = new Map<string, unknown>();
  const memento = { get: <T>(k: string) => state.get(k) as T, update: async (k: string, v: unknown) => void state.set(k, v), keys: () => [...state.keys()] };
  const credentials = {
    forRegistry: async (r: string) => (r === 'docker.io' ? alice : undefined),
    known: async () => [{ registry: 'docker.io', source: 'berth' as const, username: 'alice' }],
  } as unknown as RegistryCredentials;
  const p = new RegistriesProvider(memento as never, credentials, Date.now, new NamespaceLister(apis()));
  await p.connect('ghcr.io');
  const roots = await p.getChildren();
  const hub = roots.find((r) => r.kind === 'registry' && r.registry === 'docker.io')!;
  const repos = await p.getChildren(hub);
  assert.equal(repos.length, 101);
  assert.equal(repos[100].kind, 'more');
  await p.loadMore(repos[100]);
  assert.equal((await p.getChildren(hub)).length, 201);
  const ghcr = roots.find((r) => r.kind === 'registry' && r.registry === 'ghcr.io')!;
  await p.addRepository('ghcr.io', 'bob/by-name');
  const gh = await p.getChildren(ghcr);
  assert.equal(gh[0].kind, 'message');
  assert.match((gh[0] as { text: string }).text, /needs a login whose password is a GitHub token with the read:packages scope/);
  assert.equal(p.getTreeItem(gh[0]).iconPath && (p.getTreeItem(gh[0]).iconPath as { id: string }).id, 'info');
  assert.deepEqual(gh.slice(1).map((n) => (n as { repository: string }).repository), ['bob/by-name']);
  // Rate limited: the message says so, the view keeps working.
  rateLimited = true;
  p.refresh(hub);
  const limited = await p.getChildren(hub);
  assert.match((limited[0] as { text: string }).text, /rate limited .* try again in 42 s/);
});
