// Records damaged at random (any value replaced by junk of any type): after repairRecord, every record
// that is kept lists and inspects without throwing, with the types the docker CLI decodes. Seeded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repairRecord } from '../../../runtime/containers/record-repair.js';
import { initialState, inspectView, summaryView } from '../../../runtime/containers/record.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const SEED = Number(process.env.BERTH_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const JUNK: unknown[] = [null, true, false, 0, -1, 1.5, 1e30, '', 'x', '/abs', [], [1, 'a'], {}, { a: 5 }, { a: { b: [null] } }, ['80/tcp']];

function base(): Record<string, unknown> {
  return {
    Id: 'b'.repeat(64), Name: '/x', Created: '2026-01-01T00:00:00Z', Path: 'sh', Args: ['-c', 'true'], Image: 'sha256:1', ImageName: 'busybox',
    Config: { Image: 'busybox', Labels: { a: 'b' }, ExposedPorts: { '80/tcp': {} }, Env: ['A=1'], Cmd: ['sh'], Healthcheck: { Test: ['CMD', 'true'], Interval: 1e9 } },
    HostConfig: { NetworkMode: 'default', Memory: 10_000_000, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } },
    State: { ...initialState(), Status: 'running', Pid: 5 }, RestartCount: 0, ManuallyStopped: false,
    Networks: { bridge: { NetworkID: 'n', IPAddress: '10.0.0.2', IPPrefixLen: 24, Gateway: '10.0.0.1', MacAddress: '', Aliases: [] } },
    Ports: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, Mounts: [{ Type: 'volume', Name: 'v', Source: '/v', Destination: '/d', RW: true }],
  };
}

/** Replaces a random value somewhere in `v` (objects and arrays, any depth) with junk. */
function damage(rnd: () => number, v: unknown, depth = 0): unknown {
  if (depth > 0 && rnd() < 0.3) return JUNK[Math.floor(rnd() * JUNK.length)];
  if (Array.isArray(v) && v.length) {
    const i = Math.floor(rnd() * v.length);
    const out = [...v];
    out[i] = damage(rnd, v[i], depth + 1);
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    if (!keys.length) return JUNK[Math.floor(rnd() * JUNK.length)];
    const k = keys[Math.floor(rnd() * keys.length)];
    return { ...v, [k]: damage(rnd, (v as Record<string, unknown>)[k], depth + 1) };
  }
  return JUNK[Math.floor(rnd() * JUNK.length)];
}

test(`damaged records are repaired into records that list and inspect (seed ${SEED})`, (t) => {
  t.diagnostic(`seed ${SEED} (repeat with BERTH_FUZZ_SEED=${SEED})`);
  const rnd = seededRandom(SEED);
  const kinds = { ok: 0, repaired: 0, skipped: 0 };
  for (let i = 0; i < 2000; i++) {
    let rec: unknown = base();
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) rec = damage(rnd, rec);
    const res = repairRecord(rec);
    kinds[res.kind]++;
    if (res.kind === 'skipped') continue;
    const what = `seed ${SEED}, record ${JSON.stringify(rec)}`;
    const summary = summaryView(res.record, 'busybox') as { Labels: Record<string, unknown>; Names: unknown[]; Ports: { PrivatePort: unknown }[] };
    inspectView(res.record, '/log');
    assert.ok(Object.values(summary.Labels).every((l) => typeof l === 'string'), what);
    assert.ok(summary.Names.every((n) => typeof n === 'string'), what);
    JSON.stringify(summary);
  }
  t.diagnostic(JSON.stringify(kinds));
  assert.ok(kinds.repaired > 0 && kinds.skipped > 0);
});
