// Host ports for an image's EXPOSE list: the same number when it is free on 127.0.0.1, else any free one.
// Publishing on loopback only keeps a dev container off the network.
import * as net from 'node:net';

export interface PortBinding {
  /** `8080/tcp`, as in ExposedPorts and HostConfig.PortBindings. */
  containerPort: string;
  hostIp: string;
  /** Empty lets the engine choose (a remote engine's host ports cannot be checked from here). */
  hostPort: string;
}

export const LOOPBACK = '127.0.0.1';

/** `"80/tcp"` keys of Config.ExposedPorts, in a stable order (tcp first, then by number). */
export function exposedPorts(exposed: Record<string, unknown> | null | undefined): string[] {
  return Object.keys(exposed ?? {})
    .filter((k) => /^\d+(\/(tcp|udp|sctp))?$/.test(k))
    .map((k) => (k.includes('/') ? k : `${k}/tcp`))
    .sort((a, b) => {
      const [pa, ta] = a.split('/');
      const [pb, tb] = b.split('/');
      return Number(ta !== 'tcp') - Number(tb !== 'tcp') || Number(pa) - Number(pb);
    });
}

export interface PortChecker {
  /** True when a listener could bind this port on the host address. */
  isFree(port: number, hostIp: string): Promise<boolean>;
  /** A port the kernel hands out as free. */
  anyFree(hostIp: string): Promise<number>;
}

export async function planPorts(exposed: readonly string[], checker: PortChecker | undefined, hostIp = LOOPBACK): Promise<PortBinding[]> {
  const taken = new Set<number>();
  const out: PortBinding[] = [];
  for (const containerPort of exposed) {
    if (!checker) {
      out.push({ containerPort, hostIp, hostPort: '' });
      continue;
    }
    const wanted = Number(containerPort.split('/')[0]);
    let host: number;
    if (!taken.has(wanted) && wanted >= 1024 && (await checker.isFree(wanted, hostIp))) host = wanted;
    else {
      // Ports below 1024 need privileges on the host; a free high port is the friendlier choice.
      do host = await checker.anyFree(hostIp);
      while (taken.has(host));
    }
    taken.add(host);
    out.push({ containerPort, hostIp, hostPort: String(host) });
  }
  return out;
}

export function portBindingsConfig(plan: readonly PortBinding[]): {
  ExposedPorts: Record<string, object>;
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  const ExposedPorts: Record<string, object> = {};
  const PortBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of plan) {
    ExposedPorts[p.containerPort] = {};
    PortBindings[p.containerPort] = [{ HostIp: p.hostIp, HostPort: p.hostPort }];
  }
  return { ExposedPorts, PortBindings };
}

/** Checks ports by binding them for a moment on this machine: right when the engine runs here. */
export const localPortChecker: PortChecker = {
  isFree: (port, hostIp) =>
    new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, hostIp, () => srv.close(() => resolve(true)));
    }),
  anyFree: (hostIp) =>
    new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, hostIp, () => {
        const addr = srv.address();
        const port = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(port));
      });
    }),
};
