// Attached clients and the daemon's connection to each container's monitor: output relayed from the
// monitor to the clients that want it (a slow client slows the container, as Docker's attach does),
// stdin from the clients to the monitor (kept until the monitor is connected), and the hand-over of
// clients attached before the start to the monitor itself (runtime/README.md, "Attach hand-over").
import type { Socket } from 'node:net';
import type { Handover, MonitorSession } from '../monitor/monitor-client.js';

export interface AttachOptions { stdin: boolean; stdout: boolean; stderr: boolean }
export interface Attacher {
  opts: AttachOptions;
  /** Returns false when the client's buffer is full; output then pauses until `drained` resolves. */
  onData: (stream: 'stdout' | 'stderr', data: Buffer) => boolean | void;
  drained?: () => Promise<void>;
  onEnd: () => void;
  /**
   * Attached before the start: the client's raw connection (after the 101, unread) if it can be
   * handed to the container's monitor, which then serves it directly. Once taken, the daemon is out.
   */
  takeover?: () => { socket: Socket; head: Buffer } | undefined;
  /** The connection stays with the daemon after all: start reading the client's stdin. */
  relayInput?: () => void;
}

interface Channel {
  session?: MonitorSession;
  attachers: Set<Attacher>;
  pendingStdin: Buffer[];
  stdinEnded: boolean;
}

export class AttachRelay {
  private readonly channels = new Map<string, Channel>();

  private of(id: string): Channel {
    let c = this.channels.get(id);
    if (!c) { c = { attachers: new Set(), pendingStdin: [], stdinEnded: false }; this.channels.set(id, c); }
    return c;
  }

  /** The container's monitor connection, while there is one. */
  session(id: string): MonitorSession | undefined { return this.channels.get(id)?.session; }

  /** Relays a (new) monitor connection: output to the attached clients, stdin held so far to it. */
  connect(id: string, session: MonitorSession): void {
    const c = this.of(id);
    c.session = session;
    const relay = (stream: 'stdout' | 'stderr', d: Buffer): void => {
      const waits: Promise<void>[] = [];
      for (const a of c.attachers) {
        if (!a.opts[stream]) continue;
        if (a.onData(stream, d) === false && a.drained) waits.push(a.drained());
      }
      if (waits.length) {
        session.socket.pause();
        void Promise.all(waits).then(() => session.socket.resume());
      }
    };
    session.on('stdout', (d: Buffer) => relay('stdout', d));
    session.on('stderr', (d: Buffer) => relay('stderr', d));
    for (const b of c.pendingStdin.splice(0)) session.writeStdin(b);
    if (c.stdinEnded) session.endStdin();
  }

  /** The monitor connection closed. */
  disconnect(id: string, session: MonitorSession): void {
    const c = this.channels.get(id);
    if (c?.session === session) c.session = undefined;
  }

  /** Registers an attached client. Returns its stdin writer and detach. */
  attach(id: string, a: Attacher): { write: (b: Buffer) => void; endStdin: () => void; detach: () => void } {
    const c = this.of(id);
    c.attachers.add(a);
    this.updateRelay(id);
    return {
      write: (b) => { if (!a.opts.stdin) return; if (c.session) c.session.writeStdin(b); else c.pendingStdin.push(b); },
      endStdin: () => { if (!a.opts.stdin) return; if (c.session) c.session.endStdin(); else c.stdinEnded = true; },
      detach: () => { if (c.attachers.delete(a)) this.updateRelay(id); },
    };
  }

  /** The output the daemon's monitor connection must carry: what its relayed attachers want. */
  relayWanted(id: string): { stdout: boolean; stderr: boolean } {
    const a = [...(this.channels.get(id)?.attachers ?? [])];
    return { stdout: a.some((x) => x.opts.stdout), stderr: a.some((x) => x.opts.stderr) };
  }

  private updateRelay(id: string): void {
    this.channels.get(id)?.session?.control({ op: 'output', ...this.relayWanted(id) });
  }

  /** Attached clients whose connections can go to the monitor; they leave the daemon's list. */
  handovers(id: string, tty: boolean): Handover[] {
    const c = this.of(id);
    const out: Handover[] = [];
    for (const a of [...c.attachers]) {
      const t = a.takeover?.();
      if (!t) continue;
      out.push({ ...t, stdin: a.opts.stdin, stdout: a.opts.stdout, stderr: a.opts.stderr, tty });
      c.attachers.delete(a);
    }
    return out;
  }

  /** After a launch: the clients the monitor did not take stay relayed, their stdin read by the daemon. */
  keepRelayed(id: string): void {
    for (const a of this.of(id).attachers) { a.relayInput?.(); delete a.relayInput; delete a.takeover; }
  }

  /** The container exited: every attached client is ended. */
  ended(id: string): void {
    const c = this.of(id);
    for (const a of c.attachers) a.onEnd();
    c.attachers.clear();
    c.stdinEnded = false;
  }

  resize(id: string, h: number, w: number): void {
    this.channels.get(id)?.session?.control({ op: 'resize', h, w });
  }

  forget(id: string): void { this.channels.delete(id); }

  /** Hangs up on every monitor (they keep running). */
  close(): void {
    for (const c of this.channels.values()) c.session?.close();
  }
}
