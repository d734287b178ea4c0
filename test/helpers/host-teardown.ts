// What a test daemon leaves on the host after its containers are gone: the bridges and iptables
// rules of its networks and its cgroup parents, all named by its network prefix.
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkService } from '../../runtime/network/network-service.js';

export async function teardownDaemonHost(root: string, prefix: string): Promise<void> {
  const networks = new NetworkService(root, () => undefined, prefix);
  await networks.init().then(() => networks.teardownAll()).catch(() => undefined);
  if (!existsSync('/sys/fs/cgroup')) return;
  for (const ctrl of readdirSync('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', ctrl, prefix);
    if (!existsSync(dir)) continue;
    for (const sub of readdirSync(dir, { withFileTypes: true })) if (sub.isDirectory()) try { rmdirSync(join(dir, sub.name)); } catch { /* still busy */ }
    try { rmdirSync(dir); } catch { /* still busy */ }
  }
}
