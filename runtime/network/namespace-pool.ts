// One network namespace made ahead for the next container on the default bridge: named, its veth pair
// on the bridge, lo up, an address and the default route, so that a `docker run` on the default network
// runs no `ip` on its start path (two `ip` runs, 10-20 ms here, and more under load). The next one is
// made once this one is taken, while the container starts and runs. Namespaces are never reused: one a
// container had goes with it, and what is ready here has never had a process in it.
//
// The pool lives in the daemon's memory only. One left unused for a minute goes (nothing is kept on the
// host for a daemon that runs no containers), and so does one at the daemon's stop; one a killed daemon
// left is removed by the next at its start (its name says it was made ahead, see NetworkService.init).

/** A namespace made ahead: its name, its veth's host end, its address and MAC on the bridge. */
export interface ReadyNamespace { ns: string; veth: string; ip: string; mac: string }

export interface NamespaceMaker {
  /** Names and an address for the next one, taken at once (synchronously, so no start gets the same). */
  reserve(): ReadyNamespace | undefined;
  /** Makes it on the host; rejects (having cleaned up) when it cannot. */
  build(r: ReadyNamespace): Promise<void>;
  /** Deletes one nobody will take. */
  discard(r: ReadyNamespace): Promise<void>;
}

/** How long a ready namespace waits for a container before it is deleted. */
export const READY_IDLE_MS = 60_000;

export class NamespacePool {
  private ready: ReadyNamespace | undefined;
  private idle: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private making: { entry: ReadyNamespace; done: Promise<void> } | undefined;
  private closed = false;
  /** Failures in a row: after three the pool stops trying (every start then makes its own). */
  private failures = 0;

  constructor(private readonly maker: NamespaceMaker, private readonly idleMs = READY_IDLE_MS) {}

  /** The ready namespace, if there is one; it is the caller's from now on. */
  take(): ReadyNamespace | undefined {
    const r = this.ready;
    this.ready = undefined;
    clearTimeout(this.idle);
    return r;
  }

  /** Addresses the pool holds (ready, or being made): not for anyone else. */
  addresses(): string[] {
    return [this.ready?.ip, this.making?.entry.ip].filter((a): a is string => Boolean(a));
  }

  /**
   * Makes the next one in `ms` unless refill() comes first. A container that took the ready one is
   * starting: its runtime should not share the CPU with two `ip` runs, and its end (detach) is the
   * better moment when it ends soon (`docker run --rm`).
   */
  refillSoon(ms: number): void {
    if (this.soon || this.closed) return;
    this.soon = setTimeout(() => { this.soon = undefined; this.refill(); }, ms);
    this.soon.unref();
  }

  /** Makes the next one unless one is ready or under way. */
  refill(): void {
    clearTimeout(this.soon);
    this.soon = undefined;
    if (this.closed || this.ready || this.making || this.failures >= 3) return;
    const entry = this.maker.reserve();
    if (!entry) return;
    const done = this.maker.build(entry).then(() => {
      this.failures = 0;
      if (this.closed) return this.maker.discard(entry);
      this.ready = entry;
      this.idle = setTimeout(() => { const r = this.take(); if (r) void this.maker.discard(r).catch(() => undefined); }, this.idleMs);
      this.idle.unref();
      return undefined;
    }, (err: unknown) => {
      this.failures++;
      process.stderr.write(`berthd: cannot make a network namespace ahead (${(err as Error).message}); containers make their own\n`);
    }).finally(() => { this.making = undefined; });
    this.making = { entry, done };
  }

  /** An address asked for by a container: a namespace holding it is given up. */
  async release(ip: string): Promise<void> {
    if (this.making?.entry.ip === ip) await this.making.done;
    if (this.ready?.ip === ip) await this.maker.discard(this.take()!).catch(() => undefined);
  }

  /** No more: what is ready or under way is deleted. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.soon);
    await this.making?.done;
    const r = this.take();
    if (r) await this.maker.discard(r).catch(() => undefined);
  }
}
