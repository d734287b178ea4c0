// The one place a container record changes state. Each move is named for what happens (start,
// pause, exit...) and allowed only from the states where it makes sense; anything else is refused
// with a 409 naming the move and the state, as dockerd's "cannot ... container ... in state ..." does.
import { ConflictError } from '../errdefs.js';
import type { ContainerRecord, ContainerStatus } from './record.js';

type State = ContainerRecord['State'];

interface Move {
  from: readonly ContainerStatus[];
  /** The state after the move (from the state before it, for the moves that depend on it). */
  to: ContainerStatus | ((from: ContainerStatus) => ContainerStatus);
}

const MOVES = {
  /** The container's process is running (a start, a restart, or a monitor found running after a daemon restart). */
  start: { from: ['created', 'exited', 'restarting'], to: 'running' },
  /** A start that failed: a created container stays created, others are exited with the error. */
  'fail-start': { from: ['created', 'exited', 'restarting'], to: (from) => (from === 'created' ? 'created' : 'exited') },
  pause: { from: ['running'], to: 'paused' },
  unpause: { from: ['paused'], to: 'running' },
  /** The process ended (or its monitor is gone). A second report of the same exit changes nothing more. */
  exit: { from: ['running', 'paused', 'created', 'restarting', 'exited'], to: 'exited' },
  /** The restart policy will start it again after its delay. */
  'wait-restart': { from: ['exited'], to: 'restarting' },
  /** docker stop of a container waiting to restart: it stays down. */
  'cancel-restart': { from: ['restarting'], to: 'exited' },
  remove: { from: ['created', 'exited', 'restarting', 'dead'], to: 'removing' },
} satisfies Record<string, Move>;

export type MoveName = keyof typeof MOVES;

/** Whether `move` is allowed from the record's current state. */
export function canMove(r: ContainerRecord, move: MoveName): boolean {
  return (MOVES[move].from as readonly ContainerStatus[]).includes(r.State.Status);
}

/** Refuses `move` unless it is allowed now: 409 "cannot <verb> container <id> in state <state>". */
export function assertCanMove(r: ContainerRecord, move: MoveName, verb: string = move): void {
  if (!canMove(r, move)) throw new ConflictError(`cannot ${verb} container ${r.Id.slice(0, 12)} in state ${r.State.Status}`);
}

/**
 * Moves the record to the state `move` leads to, with the other State fields given (pid, exit
 * code, times...); refuses an illegal move without changing anything.
 */
export function transition(r: ContainerRecord, move: MoveName, fields: Partial<Omit<State, 'Status'>> = {}): void {
  assertCanMove(r, move);
  const m: Move = MOVES[move];
  const to = typeof m.to === 'function' ? m.to(r.State.Status) : m.to;
  r.State = { ...r.State, ...fields, Status: to };
}
