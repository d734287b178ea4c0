import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerNode, containerTree, type ContainerSummary } from '../../extension/views/container-nodes.js';
import { resourcesOf } from '../../extension/views/view-node.js';

const web: ContainerSummary = {
  Id: 'a'.repeat(64),
  Names: ['/web'],
  Image: 'sample:latest',
  Created: 200,
  State: 'running',
  Status: 'Up 3 minutes',
  Ports: [
    { IP: '0.0.0.0', PrivatePort: 8080, PublicPort: 8081, Type: 'tcp' },
    { IP: '::', PrivatePort: 8080, PublicPort: 8081, Type: 'tcp' },
    { PrivatePort: 53, Type: 'udp' },
  ],
  Labels: {},
};
const db: ContainerSummary = { Id: 'b'.repeat(64), Names: ['/shop-db-1'], Image: 'postgres:16', Created: 100, State: 'exited', Status: 'Exited (1) 2 hours ago', Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'db' } };
const api: ContainerSummary = { Id: 'c'.repeat(64), Names: ['/shop-api-1'], Image: 'shop-api', Created: 150, State: 'running', Status: 'Up', Labels: { 'com.docker.compose.project': 'shop' } };

test('a container node shows name, image, ports and status, and carries its state for menus', () => {
  const n = containerNode(web);
  assert.equal(n.label, 'web');
  assert.equal(n.description, 'Up 3 minutes  ·  8081→8080, 53/udp  ·  sample:latest');
  assert.equal(n.contextValue, 'container.running.ports');
  assert.equal(n.icon, 'vm-running');
  assert.equal(n.iconColor, 'charts.green');
  assert.equal(n.id, `container:${web.Id}`);
  assert.ok(n.resource?.kind === 'container');
  assert.equal(n.resource.ports.length, 2, 'the IPv4 and IPv6 listing of one published port is one mapping');
  const tip = n.tooltip();
  assert.match(tip, /\*\*web\*\*/);
  assert.match(tip, /0\.0\.0\.0:8081 → 8080\/tcp/);
});

test('an exited container is marked, in red when its exit code is not 0', () => {
  const n = containerNode(db);
  assert.equal(n.contextValue, 'container.exited');
  assert.equal(n.iconColor, 'charts.red');
  assert.equal(containerNode({ ...db, Status: 'Exited (0) 1 second ago' }).iconColor, undefined);
});

test('grouped by Compose project: groups first with their members, loose containers after', () => {
  const tree = containerTree([web, db, api], 'composeProject');
  assert.deepEqual(tree.map((n) => n.label), ['shop', 'web']);
  const shop = tree[0];
  assert.equal(shop.contextValue, 'containerGroup.running');
  assert.equal(shop.description, '1/2 running');
  assert.deepEqual(shop.children?.map((c) => c.label), ['shop-api-1', 'shop-db-1'], 'newest first');
  // A group stands for its members when a command acts on it.
  assert.deepEqual(resourcesOf([shop], 'container').map((c) => c.name), ['shop-api-1', 'shop-db-1']);
});

test('no grouping: one flat list, newest first', () => {
  assert.deepEqual(containerTree([db, web, api], 'none').map((n) => n.label), ['web', 'shop-api-1', 'shop-db-1']);
});

test('a container without a name falls back to its short id', () => {
  assert.equal(containerNode({ Id: 'd'.repeat(64), Names: [] }).label, 'dddddddddddd');
});
