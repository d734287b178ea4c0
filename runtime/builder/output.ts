// The legacy builder's JSON message stream, message for message as Docker Engine 20.10 writes it:
// `Step N/M : ...`, ` ---> Using cache`, ` ---> Running in <id>`, RUN output (stderr in red),
// `Removing intermediate container <id>`, ` ---> <id>`, the aux image ID, `Successfully built`,
// `Successfully tagged`. With `q` everything is held back and only the image ID is sent; a failure
// then sends what was held back first, as Docker does. Errors before the first message are an HTTP
// status; after it they go in-band with errorDetail (and its code, the CLI's exit status).
import type { ServerResponse } from 'node:http';
import { errorMessage } from '../errdefs.js';
import { internalMessage, sendError, statusOf } from '../api/errors.js';

export class BuildOutput {
  private started = false;
  private readonly held: string[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly res: ServerResponse, private readonly quiet: boolean) {
    res.on('close', () => {
      if (!res.writableFinished) this.abort.abort(new Error('the client went away'));
    });
  }

  /** Aborted when the client disconnects (Ctrl-C on `docker build`). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Text as the build's stdout (one `stream` message). */
  stream(text: string): void {
    const line = `${JSON.stringify({ stream: text })}\r\n`;
    if (this.quiet) this.held.push(line);
    else this.send(line);
  }

  /** Any other JSON message (the progress of pulling a base image). */
  message(m: object): void {
    const line = `${JSON.stringify(m)}\r\n`;
    if (this.quiet) this.held.push(line);
    else this.send(line);
  }

  step(index: number, total: number, text: string): void {
    this.stream(`Step ${index}/${total} : ${text}`);
    this.stream('\n');
  }

  usingCache(): void { this.stream(' ---> Using cache\n'); }
  runningIn(id: string): void { this.stream(` ---> Running in ${id.slice(0, 12)}\n`); }
  removingContainer(id: string): void { this.stream(`Removing intermediate container ${id.slice(0, 12)}\n`); }
  result(imageId: string): void { this.stream(` ---> ${shortId(imageId)}\n`); }

  /** Output of a RUN step; stderr is wrapped in red the way Docker's stderr formatter does. */
  runOutput(stream: 'stdout' | 'stderr', data: Buffer): void {
    const text = data.toString('utf8');
    this.stream(stream === 'stderr' ? `\u001b[91m${text}\u001b[0m` : text);
  }

  /** The image ID for `--iidfile` (API >= 1.30); the CLI does not print it. */
  aux(imageId: string): void {
    const line = `${JSON.stringify({ aux: { ID: imageId } })}\r\n`;
    if (this.quiet) this.held.push(line);
    else this.send(line);
  }

  /** `-q`: the only line a quiet build prints. */
  quietResult(imageId: string): void {
    if (this.quiet) this.send(`${JSON.stringify({ stream: `${imageId}\n` })}\r\n`);
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Ends the build with an error: HTTP status before any output, else in-band with the exit code. */
  fail(err: unknown, code?: number): void {
    if (this.quiet && this.held.length) this.held.splice(0).forEach((l) => this.send(l));
    if (!this.started) {
      sendError(this.res, err);
      return;
    }
    // An internal failure in-band is this stream's 500: no host paths for the client (the log has them).
    const message = statusOf(err) >= 500 ? internalMessage(err) : errorMessage(err);
    const detail = code ? { code, message } : { message };
    this.send(`${JSON.stringify({ errorDetail: detail, error: message })}\r\n`);
    this.end();
  }

  end(): void {
    if (!this.started) this.begin();
    if (!this.res.writableEnded) this.res.end();
  }

  private begin(): void {
    this.started = true;
    this.res.writeHead(200, { 'Content-Type': 'application/json' });
    this.res.flushHeaders();
  }

  private send(line: string): void {
    if (!this.started) this.begin();
    if (!this.res.writableEnded && !this.res.destroyed) this.res.write(line);
  }
}

export function shortId(imageId: string): string {
  return imageId.replace(/^sha256:/, '').slice(0, 12);
}
