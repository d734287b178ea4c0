// A terminal wired to a hijacked engine stream with a TTY: Attach Shell (an exec) and Run Interactive
// (a container's own stdio). Keystrokes go in, output comes out, and size changes reach the engine.
import type { Duplex } from 'node:stream';
import * as vscode from 'vscode';
import { userMessage } from '../errors.js';

export interface TtySession {
  stream: Duplex;
  resize(rows: number, cols: number): Promise<unknown>;
  /** The exit code once the stream has ended, when the engine can tell. */
  exitCode(): Promise<number | undefined>;
  /** The user closed the terminal while the session still ran: end what it started. */
  abandon?(): Promise<unknown>;
}

export class StreamTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private session: TtySession | undefined;
  private size: vscode.TerminalDimensions | undefined;
  private closed = false;

  constructor(
    private readonly connect: (size: vscode.TerminalDimensions | undefined) => Promise<TtySession>,
    private readonly doing: string,
  ) {}

  open(size: vscode.TerminalDimensions | undefined): void {
    this.size = size;
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      const session = await this.connect(this.size);
      if (this.closed) {
        session.stream.destroy();
        return;
      }
      this.session = session;
      let first = true;
      session.stream.on('data', (chunk: Buffer) => {
        this.writeEmitter.fire(chunk.toString('utf8'));
        // Output means the process exists: an engine may drop a resize sent before that moment
        // (Berth's engine does; Docker does not), so the size goes again with the first output.
        if (first && this.size) void session.resize(this.size.rows, this.size.columns).catch(() => undefined);
        first = false;
      });
      session.stream.on('end', () => void this.finish());
      session.stream.on('error', () => void this.finish());
      if (this.size) void session.resize(this.size.rows, this.size.columns).catch(() => undefined);
    } catch (err) {
      this.writeEmitter.fire(`\x1b[31m${userMessage(err, this.doing)}\x1b[0m\r\nPress any key to close.\r\n`);
    }
  }

  private async finish(): Promise<void> {
    if (this.closed) return;
    const code = await this.session?.exitCode().catch(() => undefined);
    this.closed = true;
    this.closeEmitter.fire(code ?? undefined);
  }

  handleInput(data: string): void {
    if (!this.session) {
      // The start failed and the message is on screen: any key closes.
      this.closeEmitter.fire();
      return;
    }
    this.session.stream.write(data);
  }

  setDimensions(size: vscode.TerminalDimensions): void {
    this.size = size;
    void this.session?.resize(size.rows, size.columns).catch(() => undefined);
  }

  close(): void {
    const wasRunning = !this.closed && this.session !== undefined;
    this.closed = true;
    this.session?.stream.end();
    this.session?.stream.destroy();
    if (wasRunning) void this.session?.abandon?.().catch(() => undefined);
  }
}
