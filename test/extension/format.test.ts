import assert from 'node:assert/strict';
import { test } from 'node:test';
import { age, escapeMarkdown, humanSize, portMappings, portsText } from '../../extension/views/format.js';
import { browserUrl, publishedPorts } from '../../extension/run/published-ports.js';

test('sizes in decimal units as docker prints them', () => {
  assert.equal(humanSize(0), '0 B');
  assert.equal(humanSize(999), '999 B');
  assert.equal(humanSize(1_990_000), '2.0 MB');
  assert.equal(humanSize(123_400_000), '123 MB');
  assert.equal(humanSize(5_500_000_000), '5.5 GB');
});

test('ages', () => {
  const now = 1_000_000_000_000;
  assert.equal(age(now / 1000 - 5, now), 'just now');
  assert.equal(age(now / 1000 - 60, now), '1 minute ago');
  assert.equal(age(now / 1000 - 7200, now), '2 hours ago');
  assert.equal(age(now / 1000 - 400 * 86400, now), '1 year ago');
});

test('ports: IPv4/IPv6 duplicates merged; published ones open in a browser on localhost', () => {
  const ports = portMappings([
    { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    { IP: '127.0.0.1', PrivatePort: 443, PublicPort: 8443, Type: 'tcp' },
    { PrivatePort: 9000, Type: 'tcp' },
  ]);
  assert.equal(portsText(ports), '8080→80, 8443→443, 9000');
  const open = publishedPorts(ports);
  assert.deepEqual(open.map(browserUrl), ['http://localhost:8080', 'https://localhost:8443']);
  assert.equal(browserUrl({ ip: '192.168.1.5', privatePort: 80, publicPort: 81, type: 'tcp' }), 'http://192.168.1.5:81');
});

test('markdown from user text stays literal', () => {
  assert.equal(escapeMarkdown('my_app [x]'), 'my\\_app \\[x\\]');
});
