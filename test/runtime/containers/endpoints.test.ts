// A container's endpoints without a daemon: Docker's rules for joining networks and for an endpoint's
// settings, the order and contents of a new container's endpoints, links, static addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEndpointSettings, checkJoin, createEndpoints, endpointRecord, linkAliases, startedEndpoints } from '../../../runtime/containers/endpoints.js';
import { checkInSubnet } from '../../../runtime/network/ipam.js';
import type { NetworkRecord, NetworkService } from '../../../runtime/network/network-service.js';

const net = (Name: string, Driver: NetworkRecord['Driver'], extra: Partial<NetworkRecord> = {}): NetworkRecord =>
  ({ Id: `${Name.padEnd(12, '0')}${'f'.repeat(52)}`, Name, Driver, Created: '', Labels: {}, Internal: false, ...extra });

const bridge = net('bridge', 'bridge', { Subnet: '10.88.0.0/16', AutoSubnet: true });
const host = net('host', 'host');
const none = net('none', 'null');
const auto = net('auto', 'bridge', { Subnet: '10.200.1.0/24', AutoSubnet: true });
const fixed = net('fixed', 'bridge', { Subnet: '10.201.7.0/24' });
const all = [bridge, host, none, auto, fixed];

/** The part of NetworkService createEndpoints uses. */
const networks = {
  modeName: (m: string | undefined) => (!m || m === 'default' ? 'bridge' : all.find((n) => n.Id === m)?.Name ?? m),
  find: (x: string) => all.find((n) => n.Name === x || n.Id === x),
} as unknown as NetworkService;

const ID = 'abcdef012345'.padEnd(64, '9');

test('joining networks: host and none stand alone, with Docker\'s messages', () => {
  assert.doesNotThrow(() => checkJoin(fixed, [auto], false));
  assert.doesNotThrow(() => checkJoin(auto, [auto], false), 'the same network again is no conflict here');
  assert.throws(() => checkJoin(host, [auto], false), /container cannot be disconnected from host network or connected to host network/);
  assert.throws(() => checkJoin(auto, [host], true), /container sharing network namespace with another container or host cannot be connected to any other network/);
  assert.throws(() => checkJoin(auto, [none], false), /one of the networks in private \(none\) mode/);
  assert.throws(() => checkJoin(none, [auto], false), /one of the networks in private \(none\) mode/);
});

test('endpoint settings: aliases, addresses and links only where Docker allows them', () => {
  assert.throws(() => checkEndpointSettings(bridge, { Aliases: ['a'] }), /network-scoped alias is supported only for containers in user defined networks/);
  assert.throws(() => checkEndpointSettings(bridge, { IPAMConfig: { IPv4Address: '10.88.0.9' } }), /supported on user defined networks only/);
  assert.throws(() => checkEndpointSettings(bridge, { Links: ['x:y'] }), /only on user defined networks/);
  assert.throws(() => checkEndpointSettings(auto, { IPAMConfig: { IPv4Address: '10.200.1.9' } }), /only when connecting to networks with user configured subnets/);
  assert.throws(() => checkEndpointSettings(fixed, { IPAMConfig: { IPv4Address: '10.1.2.3' } }), /Invalid address 10\.1\.2\.3: It does not belong to any of this network's subnets/);
  assert.throws(() => checkEndpointSettings(fixed, { IPAMConfig: { IPv6Address: 'fd00::2' } }), /no IPv6/);
  assert.throws(() => checkEndpointSettings(fixed, { Links: ['bad link:x:y'] }), /invalid link/);
  assert.doesNotThrow(() => checkEndpointSettings(fixed, { Aliases: ['a'], Links: ['db:database', '/web'], IPAMConfig: { IPv4Address: '10.201.7.9' } }));
  assert.doesNotThrow(() => checkEndpointSettings(bridge, {}));
});

test('static addresses must be host addresses of the subnet', () => {
  assert.doesNotThrow(() => checkInSubnet('10.201.7.0/24', '10.201.7.254'));
  assert.throws(() => checkInSubnet('10.201.7.0/24', '10.201.7.0'), /network or broadcast/);
  assert.throws(() => checkInSubnet('10.201.7.0/24', '10.201.7.255'), /network or broadcast/);
  assert.throws(() => checkInSubnet('10.201.7.0/24', '10.201.8.1'), /does not belong/);
  assert.throws(() => checkInSubnet('10.201.7.0/24', '10.201.7.300'), /invalid IPv4 address/);
});

test('a new container\'s endpoints: NetworkMode\'s network first, "default" is the bridge, the short ID an alias on user networks', () => {
  assert.deepEqual(Object.keys(createEndpoints(networks, 'default', {}, ID)), ['bridge']);
  assert.deepEqual(Object.keys(createEndpoints(networks, 'default', { default: {} }, ID)), ['bridge'], 'the CLI sends "default" for no --network');
  const two = createEndpoints(networks, 'fixed', { auto: { Aliases: ['b'] }, [fixed.Id]: { Aliases: ['a', 'a'], IPAMConfig: { IPv4Address: '10.201.7.5' } } }, ID);
  assert.deepEqual(Object.keys(two), ['fixed', 'auto'], 'keyed by name (an ID works too), NetworkMode first');
  assert.deepEqual(two.fixed.Aliases, ['a', 'abcdef012345']);
  assert.deepEqual(two.fixed.IPAMConfig, { IPv4Address: '10.201.7.5' });
  assert.equal(two.fixed.NetworkID, fixed.Id);
  assert.deepEqual(createEndpoints(networks, 'default', {}, ID).bridge.Aliases, [], 'no aliases on the default bridge');
  // A network that does not exist yet is an error at start, not at create.
  assert.deepEqual(Object.keys(createEndpoints(networks, 'later', {}, ID)), ['later']);
  assert.throws(() => createEndpoints(networks, 'host', { host: {}, auto: {} }, ID), /sharing network namespace/);
  assert.throws(() => createEndpoints(networks, 'default', { bridge: { Aliases: ['x'] } }, ID), /network-scoped alias/);
  // --link: links of NetworkMode's endpoint on a user network (the CLI sends them twice); refused on the default bridge.
  assert.deepEqual(createEndpoints(networks, 'fixed', { fixed: { Links: ['db:database'] } }, ID, ['db:database', 'cache']).fixed.Links, ['db:database', 'cache']);
  assert.throws(() => createEndpoints(networks, 'default', {}, ID, ['db:database']), /legacy links \(--link\) on the default bridge are not supported/);
});

test('links give aliases of the target to the linking container only; started endpoints keep what was asked for', () => {
  assert.deepEqual(linkAliases(['db:database', '/cache', 'other:o'], '/db'), ['database']);
  assert.deepEqual(linkAliases(['db:database', '/cache'], '/cache'), ['cache']);
  assert.deepEqual(linkAliases(undefined, '/db'), []);
  const asked = { Id: ID, Networks: { fixed: endpointRecord(fixed, ID, { Aliases: ['svc'], IPAMConfig: { IPv4Address: '10.201.7.5' } }) } };
  const got = { fixed: { NetworkID: fixed.Id, IPAddress: '10.201.7.5', IPPrefixLen: 24, Gateway: '10.201.7.1', MacAddress: '02:42:0a:c9:07:05', Aliases: [] } };
  const started = startedEndpoints(asked, got, (n) => all.find((x) => x.Name === n));
  assert.deepEqual(started.fixed, { ...got.fixed, Aliases: ['svc', 'abcdef012345'], IPAMConfig: { IPv4Address: '10.201.7.5' } });
});
