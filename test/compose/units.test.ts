import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseEngine, parseDockerHost } from '../../compose/engine/engine-address';
import { parseBytes, parseDurationNs, shellSplit } from '../../compose/model/units';
import { FrameDemuxer, LineSplitter, Prefixer } from '../../compose/runner/log-lines';

test('durations, sizes and shell words as Compose reads them', () => {
  assert.equal(parseDurationNs('1m30s'), 90e9);
  assert.equal(parseDurationNs('500ms'), 5e8);
  assert.equal(parseDurationNs('1.5h'), 5400e9);
  assert.equal(parseDurationNs('10'), undefined);
  assert.equal(parseDurationNs(3), 3e9);
  assert.equal(parseBytes('64m'), 64 * 1024 ** 2);
  assert.equal(parseBytes('1.5GB'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('12x'), undefined);
  assert.deepEqual(shellSplit(`sh -c 'echo "a b"' "x y" z\\ w`), ['sh', '-c', 'echo "a b"', 'x y', 'z w']);
  assert.equal(shellSplit('echo "open'), undefined);
});

test('the engine: DOCKER_HOST first, then the bundled engine when it answers, else Docker', async () => {
  assert.deepEqual(await chooseEngine({ DOCKER_HOST: 'unix:///x.sock' }, true, async () => true), { kind: 'socket', socketPath: '/x.sock' });
  assert.deepEqual(await chooseEngine({}, true, async (s) => s === '/run/berth/engine.sock'), { kind: 'socket', socketPath: '/run/berth/engine.sock' });
  assert.deepEqual(await chooseEngine({}, true, async () => false), { kind: 'socket', socketPath: '/var/run/docker.sock' });
  assert.deepEqual(await chooseEngine({ XDG_RUNTIME_DIR: '/run/user/1000' }, false, async (s) => s === '/run/user/1000/berth/engine.sock'), { kind: 'socket', socketPath: '/run/user/1000/berth/engine.sock' });
  assert.deepEqual(parseDockerHost('ssh://me@box:2222'), { kind: 'ssh', host: 'box', port: 2222, username: 'me' });
  assert.deepEqual(parseDockerHost('tcp://10.0.0.1:2375'), { kind: 'tcp', host: '10.0.0.1', port: 2375, tls: false });
  assert.throws(() => parseDockerHost('npipe:////./pipe/docker'), /not supported/);
});

test('multiplexed frames cut anywhere, lines joined, prefixes padded and coloured per service', () => {
  const frame = (stream: number, text: string) => Buffer.concat([Buffer.from([stream, 0, 0, 0, 0, 0, 0, Buffer.byteLength(text)]), Buffer.from(text)]);
  const all = Buffer.concat([frame(1, 'hel'), frame(2, 'oops\n'), frame(1, 'lo\nwor')]);
  const d = new FrameDemuxer();
  const frames = [...d.push(all.subarray(0, 5)), ...d.push(all.subarray(5, 17)), ...d.push(all.subarray(17))];
  assert.deepEqual(frames.map((f) => [f.stream, f.data.toString()]), [['stdout', 'hel'], ['stderr', 'oops\n'], ['stdout', 'lo\nwor']]);
  const lines = new LineSplitter();
  assert.deepEqual([...lines.push('hel'), ...lines.push('lo\r\nwor'), ...lines.flush()], ['hello', 'wor']);
  assert.equal(new Prefixer(8, false).prefix('web-1', 'web'), 'web-1     | ');
  const p = new Prefixer(5, true);
  assert.equal(p.prefix('web-1', 'web'), '\x1b[36mweb-1  | \x1b[0m');
  assert.equal(p.prefix('db-1', 'db'), '\x1b[33mdb-1   | \x1b[0m');
});
