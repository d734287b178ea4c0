// View Logs: a terminal that follows a container's log and, when the container stops, waits for its next
// start (from the engine's event stream) and follows again, so a restart does not close the terminal.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import type { EngineConnection, EngineEvent } from '../engine/engine-connection.js';
import { isStartOf } from '../engine/resource-events.js';
import { engineErrorMessage } from '../errors.js';
import { LogDemuxer, looksMultiplexed, TerminalNewlines } from './log-demux.js';

const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

export interface LogTerminalOptions {
  connection: EngineConnection;
  containerId: string;
  name: string;
  /** Lines of history to show first. */
  tail?: number;
}

export class LogTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private stream: NodeJS.ReadableStream | undefined;
  private closed = false;
  private readonly onEvent = (e: EngineEvent): void => this.handleEvent(e);

  constructor(private readonly opts: LogTerminalOptions) {}

  open(): void {
    // A log is read, not typed into: no cursor blinking after the last line.
    this.writeEmitter.fire('\x1b[?25l');
    this.opts.connection.on('event', this.onEvent);
    void this.follow({ tail: this.opts.tail ?? 1000 });
  }

  close(): void {
    this.closed = true;
    this.opts.connection.off('event', this.onEvent);
    this.stopStream();
    this.writeEmitter.dispose();
  }

  handleInput(data: string): void {
    // Ctrl-C or q closes the log view; the container goes on running.
    if (data === '\x03' || data === 'q') this.closeEmitter.fire();
  }

  private handleEvent(e: EngineEvent): void {
    if (this.closed) return;
    if (isStartOf(e, this.opts.containerId)) {
      this.note(`${this.opts.name} started again; following its log`);
      // Only what the new run writes: its start time, in whole seconds as every engine accepts.
      void this.follow({ since: e.time ?? Math.floor(Date.now() / 1000) });
    } else if (e.Type === 'container' && e.Action === 'destroy' && e.Actor?.ID === this.opts.containerId) {
      this.note(`${this.opts.name} was removed. Close this terminal when you are done reading.`);
    }
  }

  private async follow(from: { tail?: number; since?: number }): Promise<void> {
    this.stopStream();
    const docker: Dockerode | undefined = this.opts.connection.client;
    if (!docker) {
      this.note('The engine is not connected; the log continues when it is back and the container starts.');
      return;
    }
    const container = docker.getContainer(this.opts.containerId);
    let stream: NodeJS.ReadableStream;
    try {
      const info = await container.inspect();
      stream = (await container.logs({
        follow: true,
        stdout: true,
        stderr: true,
        tail: from.tail,
        since: from.since,
      } as Dockerode.ContainerLogsOptions & { follow: true })) as NodeJS.ReadableStream;
      if (this.closed) {
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        return;
      }
      this.stream = stream;
      this.pipe(stream, info.Config?.Tty === true);
    } catch (err) {
      this.writeEmitter.fire(`${RED}${engineErrorMessage(err, `read the log of ${this.opts.name}`)}${RESET}\r\n`);
      return;
    }
    stream.on('end', () => {
      if (this.stream !== stream || this.closed) return;
      this.stream = undefined;
      void this.reportStop(container);
    });
  }

  private pipe(stream: NodeJS.ReadableStream, tty: boolean): void {
    const newlines = new TerminalNewlines();
    const demux = new LogDemuxer();
    let framed: boolean | undefined = tty ? false : undefined;
    stream.on('data', (chunk: Buffer) => {
      // Some engines frame TTY logs too; decide from the first bytes rather than trusting Config.Tty alone.
      framed ??= looksMultiplexed(chunk);
      if (!framed) {
        this.writeEmitter.fire(newlines.convert(chunk.toString('utf8')));
        return;
      }
      // stderr is not painted red: servers log every request there, and it is not an error.
      for (const f of demux.push(chunk)) this.writeEmitter.fire(newlines.convert(f.data.toString('utf8')));
    });
  }

  private async reportStop(container: Dockerode.Container): Promise<void> {
    try {
      const info = await container.inspect();
      if (info.State.Running) return;
      this.note(`${this.opts.name} stopped (exit code ${info.State.ExitCode}). Waiting for it to start again.`);
    } catch {
      this.note(`${this.opts.name} is gone or the engine went away. Waiting for it to start again.`);
    }
  }

  private note(text: string): void {
    if (!this.closed) this.writeEmitter.fire(`\r\n${DIM}── ${text} ──${RESET}\r\n`);
  }

  private stopStream(): void {
    const s = this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    this.stream = undefined;
    s?.destroy?.();
  }
}
