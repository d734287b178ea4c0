// Records on disk from before bodies were checked: wrong values dropped, unusable records skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repairRecord } from '../../../runtime/containers/record-repair.js';
import { initialState } from '../../../runtime/containers/record.js';

const ID = 'a'.repeat(64);
const good = () => ({
  Id: ID, Name: '/x', Created: '2026-01-01T00:00:00Z', Path: 'sh', Args: ['-c', 'true'], Image: 'sha256:1', ImageName: 'busybox',
  Config: { Image: 'busybox', Labels: { a: 'b' } }, HostConfig: { NetworkMode: 'default' }, State: initialState(), RestartCount: 0,
  ManuallyStopped: false, Networks: {}, Ports: {}, Mounts: [], Extra: 'kept',
});

test('a sound record is kept as stored, keys of newer code included', () => {
  const r = good();
  const res = repairRecord(r);
  assert.equal(res.kind, 'ok');
  assert.deepEqual(res.kind === 'ok' && res.record, r);
});

test('nulls become what Go reads: unset fields, zero values in lists and maps, defaults for missing parts', () => {
  const res = repairRecord({ ...good(), Args: null, Mounts: null, Networks: { bridge: null }, Config: { Env: ['A=1', null], Labels: { a: null } }, HostConfig: null });
  assert.equal(res.kind, 'ok');
  if (res.kind !== 'ok') return;
  assert.deepEqual(res.record.Args, []);
  assert.deepEqual(res.record.Mounts, []);
  assert.deepEqual(res.record.Networks, { bridge: { NetworkID: '', IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Aliases: [] } });
  assert.deepEqual(res.record.Config, { Env: ['A=1', ''], Labels: { a: '' } });
  assert.deepEqual(res.record.HostConfig, {});
});

test('values of the wrong type are dropped; the rest stays', () => {
  const r = { ...good(), Config: { Image: 'busybox', Labels: { a: 5, b: 'ok' }, Tty: 'yes' }, HostConfig: { Privileged: 'false', Memory: 10_000_000 }, RestartCount: 'x' };
  const res = repairRecord(r);
  assert.equal(res.kind, 'repaired');
  if (res.kind !== 'repaired') return;
  assert.deepEqual(res.record.Config, { Image: 'busybox', Labels: { b: 'ok' } });
  assert.deepEqual(res.record.HostConfig, { Memory: 10_000_000 });
  assert.equal(res.record.RestartCount, 0);
  assert.equal((res.record as unknown as { Extra: string }).Extra, 'kept');
  assert.deepEqual(res.problems.map((p) => p.path), ['Config.Labels["a"]', 'Config.Tty', 'HostConfig.Privileged', 'RestartCount']);
});

test('a record without a usable Id, Name or State is skipped', () => {
  assert.equal(repairRecord([1]).kind, 'skipped');
  assert.equal(repairRecord({ ...good(), Id: 5 }).kind, 'skipped');
  assert.equal(repairRecord({ ...good(), Name: 'x' }).kind, 'skipped');
  assert.equal(repairRecord({ ...good(), State: { Status: 'bogus' } }).kind, 'skipped');
  const partial = repairRecord({ ...good(), State: { ...initialState(), Status: 'exited', Pid: 'x' } });
  assert.equal(partial.kind, 'repaired');
  assert.equal(partial.kind === 'repaired' && partial.record.State.Pid, 0);
});
