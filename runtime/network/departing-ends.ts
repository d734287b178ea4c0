// Host ends of veth pairs whose container namespace was deleted: the kernel deletes each pair with the
// namespace, a moment later and off our path. Deleting them ourselves as well costs the removal of a
// container one `ip link del` with its RCU wait (15-35 ms here, most of a `docker run --rm`'s network
// teardown). Until an end is gone its address stays out of use (the namespace may still answer for
// it), the container's next start deletes what is left of its own ends (they keep their names), and
// one that outlives the grace period (something else holds the namespace) is deleted by hand.
import { existsSync } from 'node:fs';

/** How long the kernel gets before a host end still there is deleted by hand. */
export const DEPART_GRACE_MS = 2000;

interface Departing { network: string; ip: string; since: number }

export class DepartingEnds {
  private readonly ends = new Map<string, Departing>();
  private sweep: NodeJS.Timeout | undefined;

  /** `remove(veths)` deletes host ends that outlived the grace period. */
  constructor(private readonly remove: (veths: string[]) => Promise<void>, private readonly graceMs = DEPART_GRACE_MS) {}

  /** `veth` (on `network`, with `ip` behind it) goes with its namespace. */
  add(veth: string, network: string, ip: string): void {
    this.ends.set(veth, { network, ip, since: Date.now() });
    this.schedule(this.graceMs);
  }

  private schedule(ms: number): void {
    if (this.sweep) return;
    this.sweep = setTimeout(() => { this.sweep = undefined; void this.sweepNow(false); }, ms);
    // Never what keeps a stopping daemon alive (its teardown deletes the bridges these hang on).
    this.sweep.unref();
  }

  /** Addresses on `network` whose old host end is still there. */
  addressesHeld(network: string): string[] {
    const out: string[] = [];
    for (const [veth, d] of this.ends) {
      if (d.network !== network) continue;
      if (this.present(veth)) out.push(d.ip);
    }
    return out;
  }

  /** The host ends still there whose names start with `prefix` (one container's), no longer tracked. */
  take(prefix: string): string[] {
    const out: string[] = [];
    for (const veth of this.ends.keys()) {
      if (!veth.startsWith(prefix)) continue;
      if (this.present(veth)) out.push(veth);
      this.ends.delete(veth);
    }
    return out;
  }

  /** Deletes by hand what is still there after its grace period (`all`: everything, now). */
  async sweepNow(all = true): Promise<void> {
    const now = Date.now();
    const due: string[] = [];
    let next = Infinity;
    for (const [veth, d] of [...this.ends]) {
      if (!this.present(veth)) continue;
      if (all || now - d.since >= this.graceMs) { due.push(veth); this.ends.delete(veth); } else next = Math.min(next, d.since + this.graceMs - now);
    }
    if (next !== Infinity) this.schedule(next);
    if (due.length) await this.remove(due).catch(() => undefined);
  }

  private present(veth: string): boolean {
    if (existsSync(`/sys/class/net/${veth}`)) return true;
    this.ends.delete(veth);
    return false;
  }
}
