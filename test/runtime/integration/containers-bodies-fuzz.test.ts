// Random bodies to every create/update route berthd serves: each answer must be a success or a 4xx
// (never a 500 or a dropped connection), the daemon stays up, and the real docker CLI still lists
// everything afterwards. The bodies follow the routes' own schemas (runtime/schema) with random values,
// most of the right type (to reach the value checks), some of any type, nulls, huge numbers and nesting.
// Deterministic: the seed is printed; BERTH_FUZZ_SEED=N repeats a run. Needs root, runc, the docker CLI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { engineTestOptions, startEngine, type Engine } from '../containers/engine-fixture.js';
import { apiRequest } from '../../helpers/api-request.js';
import { createBody, updateBody } from '../../../runtime/schema/container-schema.js';
import { execCreateBody, networkConnectBody, networkCreateBody, networkDisconnectBody, volumeCreateBody } from '../../../runtime/schema/resource-schemas.js';
import type { GoStruct, GoType } from '../../../runtime/schema/go-json.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const opts = engineTestOptions();
const SEED = Number(process.env.BERTH_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BODIES = 400;
let e: Engine;
const ids: Record<string, string> = {};

before(async () => {
  if (opts.skip) return;
  e = await startEngine();
  for (const [name, args] of [['upd', ['create']], ['exe', ['run', '-d']]] as const) {
    const r = await e.docker([...args, '--name', name, 'busybox', 'sleep', '300']);
    assert.equal(r.code, 0, r.stderr);
    ids[name] = r.stdout.trim();
  }
});
after(async () => { await e?.dispose(); });

const STRINGS = ['', 'x', 'false', '0', 'true', 'rel/dir', '/abs/dir', '/', 'SIGBOGUS', 'TERM', '9', 'always', 'on-failure', 'no', 'bind', 'volume', 'tmpfs',
  '80/tcp', '53/udp', 'abc', '8080-8081', '70000', 'a=b', '=x', 'h:1.2.3.4', 'h:notanip', 'ALL', 'NET_ADMIN', 'BOGUS', 'host', 'none', 'bridge', 'bogus',
  'json-file', 'CMD', 'CMD-SHELL', 'busybox', 'no-new-privileges', 'seccomp=unconfined', 'x'.repeat(5000), 'ü\u0000\u202e', '0-1', 'default'];
const NUMBERS = [0, 1, -1, 2, 5, 100, 1000, -5, 1.5, 6 * 1024 * 1024, 64 * 1024 * 1024, 2 ** 31, 2 ** 53, 2 ** 63, -(2 ** 63), 1e30, -1e30, 65536, 1_000_000_000];

function pick<T>(rnd: () => number, xs: readonly T[]): T { return xs[Math.floor(rnd() * xs.length)]; }

/** Any JSON value: scalars, nulls, and nested lists and objects. */
function junk(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (r < 0.15) return null;
  if (r < 0.3) return rnd() < 0.5;
  if (r < 0.5) return pick(rnd, NUMBERS);
  if (r < 0.7 || depth > 2) return pick(rnd, STRINGS);
  if (r < 0.85) return Array.from({ length: Math.floor(rnd() * 4) }, () => junk(rnd, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick(rnd, STRINGS).slice(0, 20), junk(rnd, depth + 1)]));
}

/** A value for `t`: mostly of its type, sometimes anything. */
function valueFor(rnd: () => number, t: GoType, depth: number): unknown {
  if (rnd() < 0.15) return junk(rnd, depth);
  switch (t.kind) {
    case 'bool': return rnd() < 0.5;
    case 'string': return pick(rnd, STRINGS);
    case 'int': case 'float': return pick(rnd, NUMBERS);
    case 'strslice': return rnd() < 0.3 ? pick(rnd, STRINGS) : Array.from({ length: Math.floor(rnd() * 3) }, () => pick(rnd, STRINGS));
    case 'list': case 'array': return depth > 3 ? [] : Array.from({ length: Math.floor(rnd() * 3) }, () => valueFor(rnd, t.of, depth + 1));
    case 'map': return depth > 3 ? {} : Object.fromEntries(Array.from({ length: Math.floor(rnd() * 3) }, () => [pick(rnd, STRINGS).slice(0, 20), valueFor(rnd, t.of, depth + 1)]));
    case 'empty-struct': return {};
    case 'struct': return structValue(rnd, t, depth + 1);
  }
}

function structValue(rnd: () => number, t: GoStruct, depth: number): Record<string, unknown> {
  const fields = Object.keys(t.fields);
  const out: Record<string, unknown> = {};
  const wanted = Math.min(fields.length, 1 + Math.floor(rnd() * 5));
  for (let i = 0; i < wanted; i++) {
    const f = pick(rnd, fields);
    out[rnd() < 0.1 ? f.toLowerCase() : f] = valueFor(rnd, t.fields[f], depth);
  }
  return out;
}

interface Route { method: string; path: () => string; schema: GoStruct; prepare?: (body: Record<string, unknown>, rnd: () => number) => void }

const ROUTES: Route[] = [
  {
    method: 'POST', path: () => '/v1.41/containers/create', schema: createBody,
    // Mostly a real image and command, so bodies get past "No such image" to the checks after it.
    prepare: (b, rnd) => { if (rnd() < 0.8) b.Image = 'busybox'; if (rnd() < 0.6) b.Cmd = ['true']; },
  },
  { method: 'POST', path: () => `/v1.41/containers/${ids.upd}/update`, schema: updateBody },
  { method: 'POST', path: () => `/v1.41/containers/${ids.exe}/exec`, schema: execCreateBody },
  { method: 'POST', path: () => '/v1.41/networks/create', schema: networkCreateBody },
  { method: 'POST', path: () => '/v1.41/networks/bridge/connect', schema: networkConnectBody },
  { method: 'POST', path: () => '/v1.41/networks/bridge/disconnect', schema: networkDisconnectBody },
  { method: 'POST', path: () => '/v1.41/volumes/create', schema: volumeCreateBody },
];

test(`random bodies to every create/update route: 2xx or 4xx, never a 500 (seed ${SEED})`, opts, async (t) => {
  t.diagnostic(`seed ${SEED} (repeat with BERTH_FUZZ_SEED=${SEED})`);
  const rnd = seededRandom(SEED);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  for (let i = 0; i < BODIES; i++) {
    const route = ROUTES[i % ROUTES.length];
    let body: unknown;
    if (rnd() < 0.05) body = junk(rnd, 0);
    else {
      const b = structValue(rnd, route.schema, 0);
      route.prepare?.(b, rnd);
      body = rnd() < 0.1 ? { ...b, HostConfig: structValue(rnd, (createBody.fields.HostConfig as GoStruct), 1) } : b;
    }
    const text = JSON.stringify(body) ?? 'null';
    const a = await apiRequest(e.socket, route.method, route.path(), text).catch((err: Error) => ({ status: 0, body: err.message }));
    statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    if (a.status === 0 || a.status >= 500) failures.push(`${route.path()} ${text.slice(0, 600)}\n    -> ${a.status} ${a.body.slice(0, 300)}`);
  }
  t.diagnostic(`answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
  assert.deepEqual(failures, [], `seed ${SEED}:\n${failures.join('\n')}`);
  assert.equal((await apiRequest(e.socket, 'GET', '/_ping')).status, 200, 'the daemon is still up');
  assert.equal((await apiRequest(e.socket, 'GET', '/v1.41/containers/json?all=1')).status, 200);
  const list = async (args: string[]): Promise<string[]> => (await e.docker(args)).stdout.split('\n').filter(Boolean);
  // Everything stored must read back into the CLI's Go types: every container, network and volume.
  const everything = [
    ['ps', '-a'], ['system', 'df'], ['volume', 'ls'], ['network', 'ls'],
    ['inspect', ...(await list(['ps', '-aq']))], ['network', 'inspect', ...(await list(['network', 'ls', '-q']))],
    ...((await list(['volume', 'ls', '-q'])).length ? [['volume', 'inspect', ...(await list(['volume', 'ls', '-q']))]] : []),
  ];
  for (const args of everything) {
    const r = await e.docker(args);
    assert.equal(r.code, 0, `docker ${args.slice(0, 3).join(' ')} after the fuzz (seed ${SEED}): ${r.stderr}`);
  }
});

test('what the fuzz created is removed', opts, async () => {
  const ok = async (args: string[]): Promise<string> => {
    const r = await e.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const containers = (await ok(['ps', '-aq'])).split('\n').filter((id) => id && !ids.upd.startsWith(id) && !ids.exe.startsWith(id));
  if (containers.length) await ok(['rm', '-f', '-v', ...containers]);
  const networks = (await ok(['network', 'ls', '-q', '--filter', 'type=custom'])).split('\n').filter(Boolean);
  if (networks.length) await ok(['network', 'rm', ...networks]);
  const volumes = (await ok(['volume', 'ls', '-q'])).split('\n').filter(Boolean);
  if (volumes.length) await ok(['volume', 'rm', ...volumes]);
  assert.equal((await ok(['ps', '-aq'])).trim().split('\n').length, 2);
});
