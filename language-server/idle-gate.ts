// Work that can wait (ShellCheck: building its scripts, starting it, reading its answer) waits
// here for a quiet moment, so it never sits in front of what the editor is waiting for. Every
// message the server handles marks it busy; waiters go when it has been quiet for `idleMs`, one
// per turn of the event loop, so a message that arrives meanwhile is handled between two of them.
// A client that never stops talking does not starve them: a waiter that has waited `maxWaitMs`
// goes anyway, at most one every `forcedEveryMs`.

export interface IdleGateOptions {
  readonly idleMs: number;
  readonly maxWaitMs: number;
  readonly forcedEveryMs: number;
  /** Clock in milliseconds (tests pass a fake one). */
  readonly now?: () => number;
}

interface Waiter {
  readonly since: number;
  readonly resolve: () => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

export class IdleGate {
  private lastBusy = -Infinity;
  private lastForced = -Infinity;
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly options: IdleGateOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The server is handling a message. */
  touch(): void {
    this.lastBusy = this.now();
  }

  /** Resolves in a quiet moment; rejects with the signal's reason when it aborts first. */
  whenIdle(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        since: this.now(),
        resolve,
        signal,
        onAbort: () => {
          const k = this.waiters.indexOf(waiter);
          if (k !== -1) this.waiters.splice(k, 1);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.arm();
    });
  }

  /** Waiters not yet let through. */
  get waiting(): number {
    return this.waiters.length;
  }

  private arm(): void {
    if (this.timer || this.waiters.length === 0) return;
    const now = this.now();
    const quietAt = this.lastBusy + this.options.idleMs;
    const forcedAt = Math.max(this.waiters[0].since + this.options.maxWaitMs, this.lastForced + this.options.forcedEveryMs);
    this.timer = setTimeout(() => this.tick(), Math.max(0, Math.min(quietAt, forcedAt) - now));
  }

  private tick(): void {
    this.timer = null;
    const first = this.waiters[0];
    if (!first) return;
    const now = this.now();
    const quiet = now >= this.lastBusy + this.options.idleMs;
    const forced = !quiet && now >= first.since + this.options.maxWaitMs && now >= this.lastForced + this.options.forcedEveryMs;
    if (quiet || forced) {
      if (forced) this.lastForced = now;
      this.waiters.shift();
      first.signal?.removeEventListener('abort', first.onAbort);
      first.resolve();
    }
    this.arm();
  }
}
