// slirp4netns's API socket: one JSON request per connection, one JSON reply. Published ports of a
// rootless daemon are host forwards from the host's address to the daemon namespace's tap address,
// where the bridge code's DNAT rules take them on to the container.
import { connect } from 'node:net';
import { ConflictError, SystemError } from '../errdefs.js';

/** slirp4netns --configure gives the namespace this address on tap0. */
export const SLIRP_GUEST_ADDR = '10.0.2.100';
/** slirp4netns's DNS forwarder (to the host's resolvers). */
export const SLIRP_DNS = '10.0.2.3';

export interface HostForward { proto: 'tcp' | 'udp'; hostAddr: string; hostPort: number; guestPort: number }

function request(socketPath: string, body: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    const chunks: Buffer[] = [];
    s.on('connect', () => s.write(JSON.stringify(body)));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', (err) => reject(new SystemError(`slirp4netns API ${socketPath}: ${err.message}`)));
    s.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch {
        reject(new SystemError(`slirp4netns API ${socketPath}: unreadable reply`));
      }
    });
  });
}

export class SlirpPorts {
  private readonly ids = new Map<string, number>();

  constructor(private readonly socketPath: string) {}

  private static key(f: HostForward): string { return `${f.proto}/${f.hostAddr}/${f.hostPort}`; }

  async add(f: HostForward): Promise<void> {
    const reply = await request(this.socketPath, {
      execute: 'add_hostfwd',
      arguments: { proto: f.proto, host_addr: f.hostAddr, host_port: f.hostPort, guest_addr: SLIRP_GUEST_ADDR, guest_port: f.guestPort },
    });
    const err = reply.error as { desc?: string } | undefined;
    if (err) {
      throw new ConflictError(`Bind for ${f.hostAddr}:${f.hostPort} failed: ${err.desc ?? 'slirp4netns refused the port'} (in use on the host, or below 1024: a rootless daemon cannot bind those unless net.ipv4.ip_unprivileged_port_start allows it)`);
    }
    const id = (reply.return as { id?: number } | undefined)?.id;
    if (typeof id === 'number') this.ids.set(SlirpPorts.key(f), id);
  }

  async remove(f: HostForward): Promise<void> {
    const id = this.ids.get(SlirpPorts.key(f));
    if (id === undefined) return;
    this.ids.delete(SlirpPorts.key(f));
    await request(this.socketPath, { execute: 'remove_hostfwd', arguments: { id } }).catch(() => undefined);
  }
}
