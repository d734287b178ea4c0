// Pure parts of the container engine: list/prune filters, names, health check rules, in-root path
// resolution, Go file modes for docker cp, stats parsing, signals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listContainers, pruneFilter, untilMs } from '../../../runtime/api/routes/container-filters.js';
import { parseFilters } from '../../../runtime/api/query.js';
import { checkedName, generatedName } from '../../../runtime/containers/names.js';
import { probeCommand, validateHealthcheck } from '../../../runtime/containers/health.js';
import { resolveInRoot } from '../../../runtime/containers/rootfs-access.js';
import { goFileMode } from '../../../runtime/containers/archive.js';
import { keyValues, parseNetDev, systemCpuNanos } from '../../../runtime/containers/stats.js';
import { normalizeSignal } from '../../../runtime/containers/signals.js';
import { initialState, type ContainerRecord } from '../../../runtime/containers/record.js';

function rec(name: string, status: ContainerRecord['State']['Status'], labels: Record<string, string> = {}, created = '2026-01-01T00:00:00Z', exitCode = 0): ContainerRecord {
  return {
    Id: `${name.padEnd(8, 'x')}${'0'.repeat(56)}`, Name: `/${name}`, Created: created, Path: 'sh', Args: [], Image: 'sha256:abc', ImageName: 'busybox',
    Config: { Labels: labels }, HostConfig: {}, State: { ...initialState(), Status: status, ExitCode: exitCode }, RestartCount: 0, ManuallyStopped: false,
    Networks: { bridge: { NetworkID: 'n1', IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Aliases: [] } }, Ports: {}, Mounts: [],
  };
}

test('list filters: running by default, all, status, name regexp, label, exited, ancestor, before/since', () => {
  const all = [rec('web', 'running', { tier: 'front' }, '2026-01-01T00:00:03Z'), rec('db', 'exited', { tier: 'back' }, '2026-01-01T00:00:02Z', 3), rec('new', 'created', {}, '2026-01-01T00:00:01Z')];
  const lookup = (ref: string) => all.find((r) => r.Name === `/${ref}`)!;
  const names = (showAll: boolean, filters: string) => listContainers(all, showAll, parseFilters(filters), lookup).map((r) => r.Name.slice(1));
  assert.deepEqual(names(false, ''), ['web']);
  assert.deepEqual(names(true, ''), ['web', 'db', 'new']);
  assert.deepEqual(names(false, '{"status":{"exited":true}}'), ['db']);
  assert.deepEqual(names(true, '{"name":{"^d":true}}'), ['db']);
  assert.deepEqual(names(true, '{"name":{"^/w":true}}'), ['web']);
  assert.deepEqual(names(true, '{"label":{"tier=back":true}}'), ['db']);
  assert.deepEqual(names(true, '{"label":{"tier":true}}'), ['web', 'db']);
  // Several labels: all must match (docker-compose's project and oneoff labels, sent as a list).
  assert.deepEqual(names(true, '{"label":["tier","tier=back"]}'), ['db']);
  assert.deepEqual(names(true, '{"label":["tier=front","tier=back"]}'), []);
  assert.deepEqual(names(true, '{"exited":{"3":true}}'), ['db']);
  assert.deepEqual(names(true, '{"ancestor":{"busybox":true}}'), ['web', 'db', 'new']);
  assert.deepEqual(names(true, '{"before":{"db":true}}'), ['new']);
  assert.deepEqual(names(true, '{"since":{"db":true}}'), ['web']);
  assert.throws(() => names(true, '{"colour":{"red":true}}'), /invalid filter 'colour'/);
  assert.throws(() => names(true, '{"status":{"sleeping":true}}'), /invalid filter 'status=sleeping'/);
  assert.throws(() => names(true, '{"name":{"(":true}}'), /not a regular expression/);
});

test('prune filters: until (duration or time) and labels', () => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  const old = rec('old', 'exited', { keep: 'no' }, '2026-01-01T00:00:00Z');
  const fresh = rec('fresh', 'exited', { keep: 'yes' }, '2026-01-01T00:59:00Z');
  const f = (filters: string) => [old, fresh].filter(pruneFilter(parseFilters(filters), now)).map((r) => r.Name);
  assert.deepEqual(f('{"until":{"10m":true}}'), ['/old']);
  assert.deepEqual(f('{"until":{"2026-01-01T00:30:00Z":true}}'), ['/old']);
  assert.deepEqual(f('{"label!":{"keep=yes":true}}'), ['/old']);
  assert.deepEqual(f('{"label":{"keep=yes":true}}'), ['/fresh']);
  assert.equal(untilMs('1h30m', now), now - 90 * 60_000);
  assert.throws(() => f('{"status":{"exited":true}}'), /invalid filter 'status'/);
});

test('names: the user\'s are checked; generated ones avoid names in use', () => {
  assert.equal(checkedName('web-1'), '/web-1');
  assert.equal(checkedName('/web'), '/web');
  assert.throws(() => checkedName('bad name'), /Invalid container name \(bad name\)/);
  const taken = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const n = generatedName((x) => taken.has(x));
    assert.match(n, /^\/[a-z]+_[a-z]+\d*$/);
    assert.ok(!taken.has(n));
    taken.add(n);
  }
});

test('health check commands and validation', () => {
  assert.deepEqual(probeCommand(['CMD', 'curl', '-f', 'x']), ['curl', '-f', 'x']);
  assert.deepEqual(probeCommand(['CMD-SHELL', 'test -f /ok']), ['/bin/sh', '-c', 'test -f /ok']);
  assert.equal(probeCommand(['NONE']), undefined);
  assert.equal(probeCommand([]), undefined);
  assert.throws(() => probeCommand(['RUN', 'x']), /invalid healthcheck test "RUN"/);
  assert.throws(() => validateHealthcheck({ Test: ['CMD', 'x'], Interval: 10 }), /Interval in Healthcheck cannot be less than 1ms/);
  assert.throws(() => validateHealthcheck({ Test: ['CMD', 'x'], Retries: -1 }), /Retries/);
});

test('paths resolve inside the container root, symlinks included', async () => {
  const links: Record<string, string> = { 'etc-link': '/etc', 'data/up': '../..', 'loop': 'loop', rootlink: '/' };
  const readLink = async (rel: string) => links[rel];
  assert.equal(await resolveInRoot('/etc-link/passwd', readLink), 'etc/passwd');
  assert.equal(await resolveInRoot('/data/up/up/../../x', readLink), 'x');
  assert.equal(await resolveInRoot('/../../../etc/shadow', readLink), 'etc/shadow');
  assert.equal(await resolveInRoot('/rootlink/rootlink/bin', readLink), 'bin');
  assert.equal(await resolveInRoot('/etc-link', readLink, false), 'etc-link');
  await assert.rejects(resolveInRoot('/loop/x', readLink), /too many levels of symbolic links/);
  await assert.rejects(resolveInRoot('relative', readLink), /must be absolute/);
});

test('Go file modes for the path stat header', () => {
  const st = (mode: number, kind: string) => ({ mode, isDirectory: () => kind === 'd', isSymbolicLink: () => kind === 'l', isBlockDevice: () => false, isCharacterDevice: () => kind === 'c', isFIFO: () => false, isSocket: () => false });
  assert.equal(goFileMode(st(0o100644, 'f')), 0o644);
  assert.equal(goFileMode(st(0o40755, 'd')), 2 ** 31 + 0o755);
  assert.equal(goFileMode(st(0o120777, 'l')), 2 ** 27 + 0o777);
  assert.equal(goFileMode(st(0o104755, 'f')), 2 ** 23 + 0o755);
});

test('stats parsing: key/value files, /proc/stat, net/dev without lo', () => {
  assert.deepEqual(keyValues('cache 10\nrss 20\ntotal_inactive_file 5\n'), { cache: 10, rss: 20, total_inactive_file: 5 });
  assert.equal(systemCpuNanos('cpu  100 0 50 850 0 0 0 0 0 0\ncpu0 1 2 3\n'), 1000 * 1e7);
  const net = parseNetDev(`Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
  eth0:    1500      10    0    1    0     0          0         0      700       7    0    0    0     0       0          0
`);
  assert.deepEqual(Object.keys(net), ['eth0']);
  assert.deepEqual([net.eth0.rx_bytes, net.eth0.rx_packets, net.eth0.rx_dropped, net.eth0.tx_bytes, net.eth0.tx_packets], [1500, 10, 1, 700, 7]);
});

test('signals: names with or without SIG, numbers; junk refused', () => {
  assert.equal(normalizeSignal('term'), 'SIGTERM');
  assert.equal(normalizeSignal('SIGHUP'), 'SIGHUP');
  assert.equal(normalizeSignal('9'), '9');
  assert.throws(() => normalizeSignal('kill me'), /Invalid signal: kill me/);
});
