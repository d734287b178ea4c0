// Top-level host config fields of a create body, merged as dockerd's ContainerConfigWrapper does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCreateBody } from '../../../runtime/schema/create-body.js';

test('without a HostConfig object the top-level host fields are the host config', () => {
  assert.deepEqual(decodeCreateBody({ Image: 'b', Privileged: true, Memory: 10_000_000, Cpuset: '0' }), { Image: 'b', HostConfig: { Privileged: true, Memory: 10_000_000, CpusetCpus: '0' } });
});

test('with one, only Memory, MemorySwap and CpuShares fill its unset fields', () => {
  assert.deepEqual(decodeCreateBody({ Image: 'b', Privileged: true, Memory: 10_000_000, CpuShares: 5, HostConfig: { CpuShares: 7 } }), { Image: 'b', HostConfig: { CpuShares: 7, Memory: 10_000_000 } });
  assert.deepEqual(decodeCreateBody({ Image: 'b' }), { Image: 'b' });
});

test('a body without any Config field is refused as dockerd refuses it', () => {
  for (const body of [{}, undefined, { HostConfig: {} }, { Bogus: 1, NetworkingConfig: {} }]) {
    assert.throws(() => decodeCreateBody(body), /^.*Config cannot be empty in order to create a container$/);
  }
});

test('top-level fields are type-checked like the others', () => {
  assert.throws(() => decodeCreateBody({ Image: 'b', Memory: 'lots' }), /^Error: json: cannot unmarshal string into Go struct field ContainerConfigWrapper.Memory of type int64$|cannot unmarshal string into Go struct field ContainerConfigWrapper.Memory of type int64/);
});
