// docker update: which fields change, and dockerd's refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { updatedHostConfig, type UpdateRequest } from '../../../runtime/containers/container-update.js';

const ID = 'c'.repeat(64);

test('only non-zero fields change; the restart policy when named', () => {
  const hc = { NetworkMode: 'default', Memory: 10_000_000, CpuShares: 512, RestartPolicy: { Name: 'no' as const, MaximumRetryCount: 0 } };
  assert.deepEqual(updatedHostConfig(ID, hc, { Memory: 20_000_000, CpuShares: 0, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } }),
    { NetworkMode: 'default', Memory: 20_000_000, CpuShares: 512, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } });
  assert.deepEqual(updatedHostConfig(ID, hc, {}), hc);
});

test('refusals: Docker\'s messages and kinds', () => {
  const invalid = (u: UpdateRequest, m: string) => assert.throws(() => updatedHostConfig(ID, {}, u), (e: Error & { kind?: string }) => e.kind === 'invalid' && e.message === m);
  invalid({ Memory: 1000 }, 'Minimum memory limit allowed is 6MB');
  invalid({ RestartPolicy: { Name: 'bogus' as 'no' } }, "invalid restart policy 'bogus'");
  const n = availableParallelism();
  invalid({ NanoCpus: -1 }, `Range of CPUs is from 0.01 to ${n}.00, as there are only ${n} CPUs available`);
  assert.throws(() => updatedHostConfig(ID, { Memory: 10_000_000, MemorySwap: 15_000_000 }, { Memory: 20_000_000 }),
    (e: Error & { kind?: string }) => e.kind === 'conflict' && e.message === `Cannot update container ${ID}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time`);
  assert.throws(() => updatedHostConfig(ID, { AutoRemove: true }, { RestartPolicy: { Name: 'always' } }), /Restart policy cannot be updated because AutoRemove is enabled/);
});
