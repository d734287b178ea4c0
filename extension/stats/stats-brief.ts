// The compact CPU/memory description of running containers in the Containers view (setting
// berth.containers.showStats): `3% · 45 MB`. Sampled with one-shot stats (`stream=false`: the engine
// waits one interval itself, so precpu_stats and the CPU % are real) for all running containers at
// once, a few requests at a time; the next round is scheduled only when the last one has finished,
// so requests never pile up on a slow engine. Nothing is requested while the poller is inactive (the
// setting is off or the view hidden). No VS Code imports.
import { humanSize } from '../views/format.js';
import { sampleOf, type StatsJson, type StatsSample } from './stats-sample.js';

/** `3% · 45 MB`; CPU under 10 % with one decimal, as a narrow side bar has room for. */
export function briefText(s: Pick<StatsSample, 'cpuPercent' | 'memoryBytes'>): string {
  const cpu = s.cpuPercent < 10 ? (Math.round(s.cpuPercent * 10) / 10).toString() : Math.round(s.cpuPercent).toString();
  return `${cpu}% · ${compactSize(s.memoryBytes)}`;
}

/** humanSize, with whole numbers from 10 up (`45 MB`, `1.2 MB`). */
function compactSize(bytes: number): string {
  return humanSize(bytes).replace(/^(\d{2,})\.\d+ /, '$1 ');
}

export interface BriefStatsSource {
  /** Ids of the running containers the view shows (its last listing; undefined while it has none). */
  running(): readonly string[] | undefined;
  /** One-shot stats of a container; rejects when it is gone or the engine fails. */
  stats(id: string, signal: AbortSignal): Promise<StatsJson>;
}

export interface PollerOptions {
  /** Pause between the end of a round and the start of the next; default 5 s. */
  intervalMs?: number;
  /** Requests at once; default 4. */
  concurrency?: number;
  /** A request not answered by then is abandoned for this round; default 15 s. */
  requestTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class BriefStatsPoller {
  private readonly texts = new Map<string, string>();
  private active = false;
  private timer: unknown;
  private round: Promise<void> | undefined;
  private readonly inflight = new Set<AbortController>();
  private readonly interval: number;
  private readonly concurrency: number;
  private readonly timeout: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  /** Rounds started, for tests and the log. */
  rounds = 0;

  constructor(
    private readonly source: BriefStatsSource,
    /** Called after a round that changed what is shown (or when the poller stops and clears it). */
    private readonly onChange: () => void,
    opts: PollerOptions = {},
  ) {
    this.interval = opts.intervalMs ?? 5_000;
    this.concurrency = opts.concurrency ?? 4;
    this.timeout = opts.requestTimeoutMs ?? 15_000;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  }

  /** The description part for a container, when one is known. */
  text(id: string): string | undefined {
    return this.active ? this.texts.get(id) : undefined;
  }

  /** On: a round now (unless one runs), then one every interval. Off: no more requests; texts go. */
  setActive(on: boolean): void {
    if (on === this.active) return;
    this.active = on;
    if (on) {
      this.schedule(0);
      return;
    }
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    for (const a of this.inflight) a.abort();
    if (this.texts.size) {
      this.texts.clear();
      this.onChange();
    }
  }

  /** The list changed (a container started): sample soon instead of waiting out the interval. */
  poke(): void {
    if (!this.active || this.round) return;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.schedule(0);
  }

  dispose(): void {
    this.setActive(false);
  }

  private schedule(ms: number): void {
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      if (!this.active || this.round) return;
      this.round = this.sample().finally(() => {
        this.round = undefined;
        if (this.active && this.timer === undefined) this.schedule(this.interval);
      });
    }, ms);
  }

  private async sample(): Promise<void> {
    const listed = this.source.running();
    // No listing yet (the view is loading): keep what is shown, try again next round.
    if (!listed) return;
    this.rounds++;
    const ids = [...listed];
    const next = new Map<string, string>();
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < ids.length && this.active) {
        const id = ids[i++];
        const abort = new AbortController();
        this.inflight.add(abort);
        let timer: NodeJS.Timeout | undefined;
        try {
          const json = await Promise.race([
            this.source.stats(id, abort.signal),
            new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), this.timeout); }),
          ]);
          const s = sampleOf(json);
          // A container that stopped between the listing and the request answers all zeros.
          if (s.memoryBytes > 0 || s.cpuPercent > 0) next.set(id, briefText(s));
        } catch {
          abort.abort();
          // Gone or slow: no text for it this round.
        } finally {
          clearTimeout(timer);
          this.inflight.delete(abort);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, ids.length) }, worker));
    if (!this.active) return;
    const changed = next.size !== this.texts.size || [...next].some(([id, t]) => this.texts.get(id) !== t);
    this.texts.clear();
    for (const [id, t] of next) this.texts.set(id, t);
    if (changed) this.onChange();
  }
}
