// What long operations (pull, push, load, import, build) report, as Docker's JSON message stream carries
// it. The services write to these interfaces; api/json-message-stream.ts puts them on the wire. They live
// below the API so images/ and build/ never import api/.

export interface JsonMessage {
  status?: string;
  id?: string;
  stream?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: unknown;
}

/** Where an operation's progress goes; `signal` aborts when the client went away. */
export interface ProgressSink {
  write(message: JsonMessage): void;
  readonly signal?: AbortSignal;
}

/** A progress sink that the operation also ends: with success, or with the error to report. */
export interface ProgressStream extends ProgressSink {
  end(): void;
  fail(err: unknown): void;
}
