// Health checks as Docker runs them: after each Interval a probe runs in the container (CMD or
// CMD-SHELL); exit 0 is healthy, Retries failures in a row (not counting failures during StartPeriod)
// is unhealthy, a probe over Timeout counts as a failure. The last 5 results are kept in
// State.Health.Log; every status change is a `health_status: <status>` event.
import { InvalidError } from '../errdefs.js';
import type { HealthConfig } from './api-types.js';
import type { ContainerRecord, HealthState } from './record.js';

const NS_PER_MS = 1_000_000;
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
const MAX_LOG_ENTRIES = 5;
const MAX_OUTPUT = 4096;

export interface ProbeResult { exitCode: number; output: string }

/** Runs `cmd` in the container; resolves with exit code -1 and a message when `timeoutMs` passes. */
export type Probe = (containerId: string, cmd: string[], timeoutMs: number) => Promise<ProbeResult>;

export interface HealthHooks {
  probe: Probe;
  save(r: ContainerRecord): Promise<void>;
  publish(r: ContainerRecord, status: HealthState['Status']): void;
}

/** The probe command from a Healthcheck.Test, or undefined when there is no check ("NONE" or empty). */
export function probeCommand(test: string[] | null | undefined): string[] | undefined {
  if (!test?.length || test[0] === 'NONE') return undefined;
  switch (test[0]) {
    case 'CMD': return test.length > 1 ? test.slice(1) : undefined;
    case 'CMD-SHELL': return test.length > 1 ? ['/bin/sh', '-c', test.slice(1).join(' ')] : undefined;
    default: throw new InvalidError(`invalid healthcheck test "${test[0]}": use CMD, CMD-SHELL or NONE`);
  }
}

/** Validates a create request's Healthcheck with Docker's messages. */
export function validateHealthcheck(h: HealthConfig | null | undefined): void {
  if (!h) return;
  probeCommand(h.Test);
  const minNs = 1_000_000; // Docker: intervals and timeouts of at least 1 ms (0 means "default")
  for (const [key, value] of [['Interval', h.Interval], ['Timeout', h.Timeout], ['StartPeriod', h.StartPeriod]] as const) {
    if (value && value < minNs) throw new InvalidError(`${key} in Healthcheck cannot be less than 1ms`);
  }
  if (h.Retries !== undefined && h.Retries < 0) throw new InvalidError('Retries in Healthcheck cannot be negative');
}

export class HealthChecks {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly hooks: HealthHooks) {}

  /**
   * Called when the container (re)starts: status "starting", first probe after one interval.
   * `resume` (a restarted daemon finding it running) keeps the status it had.
   */
  start(r: ContainerRecord, resume = false): void {
    this.stop(r.Id);
    const h = r.Config.Healthcheck;
    const cmd = probeCommand(h?.Test);
    if (!h || !cmd) { delete r.State.Health; return; }
    if (!resume || !r.State.Health) r.State.Health = { Status: 'starting', FailingStreak: 0, Log: [] };
    const interval = h.Interval ? h.Interval / NS_PER_MS : DEFAULT_INTERVAL_MS;
    const timeout = h.Timeout ? h.Timeout / NS_PER_MS : DEFAULT_TIMEOUT_MS;
    const retries = h.Retries || DEFAULT_RETRIES;
    const startPeriodEnd = Date.parse(r.State.StartedAt) + (h.StartPeriod ? h.StartPeriod / NS_PER_MS : 0);
    const tick = async (): Promise<void> => {
      if (r.State.Status !== 'running') return;
      const begun = new Date();
      const res = await this.hooks.probe(r.Id, cmd, timeout).catch((err: unknown) => ({ exitCode: -1, output: (err as Error).message }));
      if (r.State.Status !== 'running' || this.timers.get(r.Id) !== timer || !r.State.Health) return;
      const health = r.State.Health;
      const before = health.Status;
      health.Log = [...health.Log, { Start: begun.toISOString(), End: new Date().toISOString(), ExitCode: res.exitCode, Output: res.output.slice(0, MAX_OUTPUT) }].slice(-MAX_LOG_ENTRIES);
      if (res.exitCode === 0) {
        health.Status = 'healthy';
        health.FailingStreak = 0;
      } else if (Date.now() > startPeriodEnd || health.Status !== 'starting') {
        // Failures while the start period lasts do not count, unless the container was healthy once.
        health.FailingStreak++;
        if (health.FailingStreak >= retries) health.Status = 'unhealthy';
      }
      await this.hooks.save(r).catch(() => undefined);
      if (health.Status !== before) this.hooks.publish(r, health.Status);
      if (this.timers.get(r.Id) === timer) timer.refresh();
    };
    const timer = setTimeout(() => void tick(), interval);
    timer.unref();
    this.timers.set(r.Id, timer);
  }

  stop(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.timers.keys()]) this.stop(id);
  }
}
