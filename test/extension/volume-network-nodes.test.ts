import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkTree } from '../../extension/views/network-nodes.js';
import { volumeTree } from '../../extension/views/volume-nodes.js';

test('volumes by name; anonymous ones shortened', () => {
  const anon = 'f'.repeat(64);
  const tree = volumeTree([{ Name: 'pgdata', Driver: 'local', Labels: { 'com.docker.compose.project': 'shop' } }, { Name: anon, Driver: 'local' }]);
  assert.deepEqual(tree.map((n) => [n.label, n.description, n.contextValue]), [
    ['ffffffffffff', 'local', 'volume'],
    ['pgdata', 'local  ·  shop', 'volume'],
  ]);
  assert.deepEqual(tree[0].resource, { kind: 'volume', name: anon });
});

test('built-in networks first and marked so Remove is not offered', () => {
  const tree = networkTree([
    { Id: 'n1', Name: 'shop_default', Driver: 'bridge', IPAM: { Config: [{ Subnet: '172.20.0.0/16' }] } },
    { Id: 'n2', Name: 'bridge', Driver: 'bridge' },
    { Id: 'n3', Name: 'host', Driver: 'host' },
  ]);
  assert.deepEqual(tree.map((n) => [n.label, n.contextValue]), [
    ['bridge', 'network.builtin'],
    ['host', 'network.builtin'],
    ['shop_default', 'network'],
  ]);
  assert.equal(tree[2].description, 'bridge  ·  172.20.0.0/16');
});
