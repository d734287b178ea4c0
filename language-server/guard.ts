// Every handler runs behind this guard: a thrown error (or rejected promise) is logged to the
// client's console and the request is answered with an empty result, so one bad input never takes
// the server down or leaves a request unanswered.

export interface ErrorLog {
  error(message: string): void;
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** Wraps a request handler; `fallback` is the empty answer for its request kind. */
export function guardRequest<A extends unknown[], R>(
  log: ErrorLog,
  name: string,
  fallback: R,
  handler: (...args: A) => R | Promise<R>,
): (...args: A) => R | Promise<R> {
  const fail = (e: unknown): R => {
    log.error(`berth: ${name} failed, answered with an empty result: ${describe(e)}`);
    return fallback;
  };
  return (...args: A) => {
    try {
      const r = handler(...args);
      return r instanceof Promise ? r.catch(fail) : r;
    } catch (e) {
      return fail(e);
    }
  };
}

/** Wraps a notification handler (nothing to answer; the error is logged). */
export function guardNotification<A extends unknown[]>(
  log: ErrorLog,
  name: string,
  handler: (...args: A) => void | Promise<void>,
): (...args: A) => void {
  const fail = (e: unknown): void => log.error(`berth: ${name} failed: ${describe(e)}`);
  return (...args: A) => {
    try {
      const r = handler(...args);
      if (r instanceof Promise) r.catch(fail);
    } catch (e) {
      fail(e);
    }
  };
}
