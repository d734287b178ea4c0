// A container's output from its pipes to the log and the attached clients. What one turn of the event
// loop reads (libuv reads what is ready, 64 KiB at a time) goes on as one chunk per run of the same
// stream; output is held while the container has not started or clients are being handed over, so
// nobody misses any; reading stops while a client is behind.
import type { Readable } from 'node:stream';
import type { LogWriter } from '../logs/log-file.js';

type Stream = 'stdout' | 'stderr';

// Pacing: after a turn that read bulk output, reading rests PACE_MS so the next turn finds more in
// the pipe. Fewer, larger chunks mean fewer frames for the CLI and log entries; at 200+ MB/s this is
// a tenth more throughput on two cores. Short output is never held: only what follows bulk output.
const PACE_FROM = 32 * 1024;
const PACE_MS = 1;

export class OutputPump {
  private sources: Readable[] = [];
  private readonly turn: { stream: Stream; parts: Buffer[]; bytes: number }[] = [];
  private turnScheduled = false;
  private readonly held: { stream: Stream; data: Buffer }[] = [];
  private holding = true;
  private blocked = false;
  private pacing = false;
  private pace = false;

  /** `deliver` gets every chunk once it is released, in order (the log and the clients). */
  constructor(private readonly deliver: (stream: Stream, data: Buffer) => void) {}

  /** Starts reading `stdout` and `stderr`; `pace` for pipes a chatty container fills (not a pty). */
  read(out: { stdout?: Readable; stderr?: Readable }, pace: boolean): void {
    this.pace = pace;
    this.sources = [out.stdout, out.stderr].filter((s): s is Readable => Boolean(s));
    out.stdout?.on('data', (d: Buffer) => this.received('stdout', d));
    out.stderr?.on('data', (d: Buffer) => this.received('stderr', d));
  }

  /** Clients are behind (true) or caught up again. */
  setBlocked(blocked: boolean): void {
    this.blocked = blocked;
    this.setReading();
  }

  /** Output from now on is held (until release). */
  get isHolding(): boolean { return this.holding; }

  /** Sends on what was held and everything after it. */
  release(): void {
    this.holding = false;
    for (const e of this.held.splice(0)) this.deliver(e.stream, e.data);
  }

  /** What was held and never released (a runtime that failed to start: its complaint), emptied. */
  takeHeld(): Buffer {
    this.flushTurn();
    return Buffer.concat(this.held.splice(0).map((e) => e.data));
  }

  /** Delivers what the current turn has read so far (before the exit is recorded). */
  flushTurn(): void {
    if (this.turn.length) this.deliverTurn();
  }

  private setReading(): void {
    const go = !this.blocked && !this.pacing;
    for (const s of this.sources) {
      if (go) s.resume();
      else s.pause();
    }
  }

  private received(stream: Stream, data: Buffer): void {
    const last = this.turn[this.turn.length - 1];
    if (last?.stream === stream) { last.parts.push(data); last.bytes += data.length; }
    else this.turn.push({ stream, parts: [data], bytes: data.length });
    if (!this.turnScheduled) { this.turnScheduled = true; setImmediate(() => this.deliverTurn()); }
  }

  private deliverTurn(): void {
    this.turnScheduled = false;
    let bytes = 0;
    for (const t of this.turn.splice(0)) {
      bytes += t.bytes;
      this.emit(t.stream, t.parts.length === 1 ? t.parts[0] : Buffer.concat(t.parts, t.bytes));
    }
    if (this.pace && bytes >= PACE_FROM && !this.pacing) {
      this.pacing = true;
      this.setReading();
      setTimeout(() => { this.pacing = false; this.setReading(); }, PACE_MS);
    }
  }

  private emit(stream: Stream, data: Buffer): void {
    if (this.holding) this.held.push({ stream, data });
    else this.deliver(stream, data);
  }
}

/** The deliver function of a pump: the log first, then the clients. */
export function toLogAndClients(log: LogWriter, clients: { output(stream: Stream, data: Buffer): void }): (stream: Stream, data: Buffer) => void {
  return (stream, data) => {
    log.write(stream, data);
    clients.output(stream, data);
  };
}
