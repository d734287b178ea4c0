// Docker's JSON message stream (pull, push, load, import): newline-delimited JSON, HTTP 200.
// Errors that happen before the first message are still sent as an HTTP status; after it they are sent
// in-band with both `errorDetail` (the CLI needs it to fail) and `error` (other clients read it).
import type { ServerResponse } from 'node:http';
import { errorMessage } from '../errdefs.js';
import type { JsonMessage, ProgressStream } from '../progress/json-message.js';
import { internalMessage, sendError, statusOf } from './errors.js';

export type { JsonMessage };

export class JsonMessageStream implements ProgressStream {
  private started = false;
  private readonly abort = new AbortController();

  constructor(private readonly res: ServerResponse) {
    res.on('close', () => {
      if (!res.writableFinished) this.abort.abort(new Error('the client went away'));
    });
  }

  /** Aborted when the client disconnects before the stream ended. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Sends headers now, so later errors go in-band. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, { 'Content-Type': 'application/json' });
    this.res.flushHeaders();
  }

  write(message: JsonMessage): void {
    this.start();
    if (!this.res.writableEnded) this.res.write(`${JSON.stringify(message)}\r\n`);
  }

  fail(err: unknown): void {
    if (!this.started) {
      sendError(this.res, err);
      return;
    }
    // In-band failures are this stream's 500s: no host paths for the client either.
    const message = statusOf(err) >= 500 ? internalMessage(err) : errorMessage(err);
    if (!this.res.writableEnded) {
      this.res.write(`${JSON.stringify({ errorDetail: { message }, error: message })}\r\n`);
      this.res.end();
    }
  }

  end(): void {
    this.start();
    if (!this.res.writableEnded) this.res.end();
  }
}
