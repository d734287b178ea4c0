// The host's loopback, for the daemon only. A rootless daemon's network namespace has its own
// 127.0.0.1, and slirp4netns runs with --disable-host-loopback so containers cannot reach the host's
// local services. Registries on the host's localhost (a dev registry on 127.0.0.1:5000) must still
// work for pulls and pushes, so the launcher, which stays in the host's namespace, relays
// connections to them over a unix socket only the user can open: the client writes "HOST PORT\n",
// then the bytes flow both ways.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { chmodSync, rmSync } from 'node:fs';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''));
}

/** Launcher side: serves the relay on `path` (mode 0600). */
export function serveLoopbackProxy(path: string): Promise<Server> {
  rmSync(path, { force: true });
  const server = createServer((client) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(0x0a);
      if (nl < 0) {
        if (head.length > 300) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      const [host, portText] = head.subarray(0, nl).toString('latin1').trim().split(' ');
      const port = Number(portText);
      if (!isLoopbackHost(host ?? '') || !Number.isInteger(port) || port < 1 || port > 65535) {
        client.destroy();
        return;
      }
      const upstream = connect({ host: host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''), port });
      const rest = head.subarray(nl + 1);
      upstream.once('connect', () => {
        if (rest.length) upstream.write(rest);
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
    client.on('error', () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      chmodSync(path, 0o600);
      resolve(server);
    });
  });
}

/** Daemon side: a socket that reaches `host:port` on the host's loopback through the relay. */
export function connectThroughLoopbackProxy(path: string, host: string, port: number): Socket {
  const socket = connect(path);
  socket.write(`${host.replace(/^\[|\]$/g, '')} ${port}\n`);
  return socket;
}
