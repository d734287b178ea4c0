// What it costs VS Code to reach an engine that runs in a Linux VM (docs/hosts-macos-windows.md): the
// engine's unix socket reached directly, and through a relay of the kind Docker Desktop, Podman machine,
// Colima and WSL2 put between the host and the VM (a host-side socket whose bytes go over a TCP or
// vsock stream to the engine's socket inside). The relay here is two hops on this machine (unix -> TCP
// on 127.0.0.1 -> unix), so it measures the relaying, not a virtual NIC. Rounds interleaved.
//   npm run bench -- socket-relay
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../test/helpers/daemon.js';

const PINGS = 100;
const CLI_ROUNDS = 10;

function ping(socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: '/_ping', agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
  });
}

function listen(server: Server, where: string | number): Promise<void> {
  return new Promise((resolve) => (typeof where === 'string' ? server.listen(where, resolve) : server.listen(where, '127.0.0.1', resolve)));
}

/** host socket -> TCP 127.0.0.1 -> engine socket, each connection piped both ways. */
async function startRelay(engineSocket: string, hostSocket: string): Promise<() => Promise<void>> {
  const inner = createServer((c) => {
    const up = connect(engineSocket);
    c.pipe(up).pipe(c);
    up.on('error', () => c.destroy());
    c.on('error', () => up.destroy());
  });
  await listen(inner, 0);
  const port = (inner.address() as AddressInfo).port;
  const outer = createServer((c) => {
    const up = connect({ host: '127.0.0.1', port });
    c.pipe(up).pipe(c);
    up.on('error', () => c.destroy());
    c.on('error', () => up.destroy());
  });
  await listen(outer, hostSocket);
  return async () => {
    await new Promise<void>((r) => outer.close(() => r()));
    await new Promise<void>((r) => inner.close(() => r()));
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function run(): Promise<void> {
  const load = loadavg()[0]?.toFixed(2);
  const d = await startDaemon();
  const relayed = join(d.root, '..', 'relayed.sock');
  const stopRelay = await startRelay(d.socket, relayed);
  try {
    const direct: number[] = [];
    const viaRelay: number[] = [];
    for (let i = 0; i < 10; i++) { await ping(d.socket); await ping(relayed); }
    for (let i = 0; i < PINGS; i++) {
      let t = performance.now();
      await ping(d.socket);
      direct.push(performance.now() - t);
      t = performance.now();
      await ping(relayed);
      viaRelay.push(performance.now() - t);
    }
    // Not spawnSync: the relay runs in this process and must keep piping while the CLI waits.
    const cli = async (socket: string): Promise<number> => {
      const t = performance.now();
      await promisify(execFile)('docker', ['ps', '-a'], { env: { ...process.env, DOCKER_HOST: `unix://${socket}` } });
      return performance.now() - t;
    };
    const cliDirect: number[] = [];
    const cliRelay: number[] = [];
    for (let i = 0; i < CLI_ROUNDS; i++) { cliDirect.push(await cli(d.socket)); cliRelay.push(await cli(relayed)); }
    console.log(`socket-relay: GET /_ping x${PINGS} (new connection each) and docker ps -a x${CLI_ROUNDS}; load average at start ${load}`);
    console.table({
      '/_ping direct (median)': { value: `${median(direct).toFixed(2)} ms` },
      '/_ping through the relay (median)': { value: `${median(viaRelay).toFixed(2)} ms` },
      'relay cost per request': { value: `${(median(viaRelay) - median(direct)).toFixed(2)} ms` },
      'docker ps -a direct (median)': { value: `${median(cliDirect).toFixed(0)} ms` },
      'docker ps -a through the relay (median)': { value: `${median(cliRelay).toFixed(0)} ms` },
    });
  } finally {
    await stopRelay();
    await d.stop();
    d.cleanup();
  }
}
