// Pull, push and build answer with a stream of JSON objects, one per line. A failure arrives as an
// object with `error` in a 200 response, so reading the stream is also how a failure is noticed.

import { forEachLine } from './json-lines.js';

export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string; Tag?: string; Digest?: string };
}

/** A failure reported inside the stream; its message is the engine's. */
export class StreamError extends Error {
  readonly json: { message: string };
  constructor(message: string) {
    super(message);
    this.json = { message };
  }
}

/** Reads the stream to its end, calling onMessage for each object; rejects on the first `error` object. */
export function readJsonMessages(stream: NodeJS.ReadableStream, onMessage: (m: JsonMessage) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed: StreamError | undefined;
    // Registered before the 'end' below, so the last line is read before the promise settles.
    forEachLine(stream, (t) => {
      let m: JsonMessage;
      try {
        m = JSON.parse(t) as JsonMessage;
      } catch {
        // Not JSON (an engine writing plain text): pass it on as output.
        m = { stream: `${t}\n` };
      }
      if (m.error || m.errorDetail?.message) failed ??= new StreamError((m.errorDetail?.message ?? m.error ?? '').trim());
      onMessage(m);
    });
    stream.on('error', (err) => reject(err));
    stream.on('end', () => {
      if (failed) reject(failed);
      else resolve();
    });
  });
}
