// Waiting for a container to reach what depends_on (or up --wait) asks: running, healthy, or exited
// with 0. Reads the engine's state at each of the container's events (health_status, start, die: the
// dependent starts within milliseconds of its dependency's change) and every 100 ms besides (an engine
// whose event stream does not come, or is cut; Docker Compose polls every 500 ms); fails as soon as the
// wanted state cannot come (unhealthy, exited).
import type { ComposeEngine, ContainerDetails } from '../engine/engine';
import type { DependencyCondition } from '../model/types';
import { RunError } from './run-error';

const POLL_MS = 100;

export interface WaitTarget {
  readonly id: string;
  readonly name: string;
  readonly service: string;
}

export async function waitForCondition(engine: ComposeEngine, c: WaitTarget, condition: DependencyCondition, deadline?: number): Promise<void> {
  if (condition === 'service_completed_successfully') {
    const code = await engine.waitContainer(c.id);
    if (code !== 0) throw new RunError(`service "${c.service}" didn't complete successfully: container ${c.name} exited with ${code}`);
    return;
  }
  const changes = watch(engine, c.id);
  try {
    for (;;) {
      const d: ContainerDetails = await engine.inspectContainer(c.id);
      const verdict = judge(d, condition === 'service_healthy' ? 'healthy' : 'running');
      if (verdict === 'done') return;
      if (verdict !== 'wait') throw new RunError(`container ${c.name} ${verdict}`);
      if (deadline !== undefined && Date.now() > deadline) throw new RunError(`container ${c.name}: timed out waiting for it to be ${condition === 'service_healthy' ? 'healthy' : 'running'}`);
      await changes.next(POLL_MS);
    }
  } finally {
    changes.close();
  }
}

/**
 * up --wait: healthy when the container has a healthcheck, otherwise running. `mayExit`: a service
 * another one depends on with service_completed_successfully; exiting with 0 is its success.
 */
export async function waitReady(engine: ComposeEngine, c: WaitTarget, mayExit: boolean, deadline?: number): Promise<void> {
  const changes = watch(engine, c.id);
  try {
    for (;;) {
      const d = await engine.inspectContainer(c.id);
      if (mayExit && !d.State.Running && d.State.Status === 'exited' && d.State.ExitCode === 0) return;
      const verdict = judge(d, d.State.Health && d.State.Health.Status !== 'none' ? 'healthy' : 'running');
      if (verdict === 'done') return;
      if (verdict !== 'wait') throw new RunError(`container ${c.name} ${verdict}`);
      if (deadline !== undefined && Date.now() > deadline) throw new RunError(`container ${c.name}: timed out waiting for it to be ready`);
      await changes.next(POLL_MS);
    }
  } finally {
    changes.close();
  }
}

interface Changes {
  /** Resolves at the container's next event (or one since the last call), or after `ms`. */
  next(ms: number): Promise<void>;
  close(): void;
}

/**
 * The container's events. Not waited for: an engine (or a socket proxy) that is slow to answer the event
 * stream, or refuses it, leaves the wait to its polls, as does a change between the first look and the
 * moment the engine listens.
 */
function watch(engine: ComposeEngine, id: string): Changes {
  let pending = false;
  let wake: (() => void) | undefined;
  const onEvent = (): void => {
    if (wake) wake();
    else pending = true;
  };
  let closed = false;
  let stop: (() => void) | undefined;
  engine.watchContainer(id, onEvent).then((s) => {
    if (closed) s();
    else stop = s;
  }, () => undefined);
  return {
    next: (ms) => {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const t = setTimeout(done, ms);
        function done(): void {
          clearTimeout(t);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    },
    close: () => {
      closed = true;
      stop?.();
    },
  };
}

/** 'done', 'wait', or why it will never get there. */
function judge(d: ContainerDetails, want: 'running' | 'healthy'): string {
  const s = d.State;
  if (!s.Running) {
    if (s.Status === 'created') return 'wait';
    return s.Status === 'exited' || s.Status === 'dead' ? `exited (${s.ExitCode})` : 'wait';
  }
  if (want === 'running') return 'done';
  const h = s.Health?.Status;
  if (h === 'healthy') return 'done';
  if (h === 'unhealthy') {
    const last = s.Health?.Log?.at(-1);
    return `is unhealthy${last ? `: last check exited ${last.ExitCode}${last.Output.trim() ? ` (${last.Output.trim().split('\n').at(-1)})` : ''}` : ''}`;
  }
  if (h === undefined || h === 'none') return 'has no healthcheck: service_healthy needs one';
  return 'wait';
}
