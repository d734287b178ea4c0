// The host's routes as the daemon reads them from /proc/net/route (no `ip route` process): CIDRs in either
// byte order, one device left out; on this host, the same destinations `ip route` prints.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { procRoutes } from '../../../runtime/network/network-service.js';

const LE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
br1\t00005F0A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
br2\t00C8FC0A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;

test('destinations and masks in the host byte order become CIDRs; the device asked for is left out', () => {
  assert.deepEqual(procRoutes(LE, undefined, true), ['0.0.0.0/0', '10.95.0.0/16', '10.252.200.0/24']);
  assert.deepEqual(procRoutes(LE, 'br1', true), ['0.0.0.0/0', '10.252.200.0/24']);
  const be = LE.replace('00005F0A', '0A5F0000').replace('0000FFFF', 'FFFF0000').replace('00C8FC0A', '0AFCC800').replace('00FFFFFF', 'FFFFFF00');
  assert.deepEqual(procRoutes(be, undefined, false), ['0.0.0.0/0', '10.95.0.0/16', '10.252.200.0/24']);
});

test('on this host: the routes ip route shows', () => {
  const ip = () => execFileSync('ip', ['-4', 'route', 'show', 'table', 'main'], { encoding: 'utf8' }).split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean)
    .map((d) => (d === 'default' ? '0.0.0.0/0' : d.includes('/') ? d : `${d}/32`)).sort();
  const proc = () => procRoutes(readFileSync('/proc/net/route', 'utf8')).sort();
  // Other daemons on the host add and remove bridges: a few tries for two reads of the same moment.
  let [a, b] = [proc(), ip()];
  for (let i = 0; i < 5 && JSON.stringify(a) !== JSON.stringify(b); i++) [a, b] = [proc(), ip()];
  assert.deepEqual(a, b);
});
