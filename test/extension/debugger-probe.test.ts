// The debugger probe for Java and .NET: JDWP's handshake against a real JVM (when java is on PATH), which
// must still accept the real debugger after the probe let go; a port that accepts but is no JDWP agent
// is not taken for one; .NET (vsdbg starts through docker exec) is ready when its container runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jdwpOptions } from '../../extension/debug/debug-config';
import { waitForDebugger } from '../../extension/debug/debugger-probe';

const running = async () => ({ running: true });
const HAS_JAVA = !spawnSync('java', ['-version']).error;

test('java: the JDWP agent of a real JVM answers the handshake, and again after the probe closed', { timeout: 60_000 }, async (t) => {
  if (!HAS_JAVA) {
    t.skip('java is not on PATH');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'berth-jdwp-'));
  writeFileSync(join(dir, 'Wait.java'), 'public class Wait { public static void main(String[] a) throws Exception { Thread.sleep(60000); } }\n');
  // The option the container gets, on loopback only. A fixed port: with port 0 the agent would listen
  // on a new port after each debugger.
  const free = net.createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
  const wanted = (free.address() as net.AddressInfo).port;
  await new Promise<void>((r) => free.close(() => r()));
  const options = jdwpOptions(wanted).replace(`address=*:${wanted}`, `address=127.0.0.1:${wanted}`);
  const jvm = spawn('java', ['Wait.java'], { cwd: dir, env: { ...process.env, JAVA_TOOL_OPTIONS: options }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const onData = (b: Buffer) => {
        out += b.toString();
        const m = /Listening for transport dt_socket at address: (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      };
      jvm.stdout.on('data', onData);
      jvm.stderr.on('data', onData);
      jvm.once('exit', (code) => reject(new Error(`java exited (${code}): ${out}`)));
    });
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await waitForDebugger({ host: '127.0.0.1', port, platform: 'java', timeoutMs: 20_000, stillRunning: running }), { ok: true }, `attempt ${i + 1}`);
    }
  } finally {
    jvm.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('java: a port that accepts but answers no handshake is not a debugger', { timeout: 30_000 }, async () => {
  const silent = net.createServer((s) => s.on('data', () => undefined));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (silent.address() as net.AddressInfo).port;
    assert.deepEqual(await waitForDebugger({ host: '127.0.0.1', port, platform: 'java', timeoutMs: 1500, stillRunning: running }), { ok: false, reason: 'timeout' });
  } finally {
    silent.close();
  }
});

test('.NET: ready as soon as the container runs; a container that exited is reported', async () => {
  assert.deepEqual(await waitForDebugger({ host: '127.0.0.1', port: 0, platform: 'dotnet', timeoutMs: 1000, stillRunning: running }), { ok: true });
  assert.deepEqual(await waitForDebugger({ host: '127.0.0.1', port: 0, platform: 'dotnet', timeoutMs: 1000, stillRunning: async () => ({ running: false, exitCode: 139 }) }), { ok: false, reason: 'exited', exitCode: 139 });
});
