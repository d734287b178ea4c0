// Runs at most `limit` transfers at once (dockerd: 3 downloads, 5 uploads per operation) and tells
// a task when it had to queue, so it can show `Waiting` as Docker does.

export type LimitedTask<T> = () => Promise<T>;

export function createLimiter(limit: number): <T>(task: LimitedTask<T>, onQueued?: () => void) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  // A finishing task hands its slot straight to the next queued one, so a newcomer cannot slip in between.
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  return async <T>(task: LimitedTask<T>, onQueued?: () => void): Promise<T> => {
    if (active >= limit) {
      onQueued?.();
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      active++;
    }
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** Settles every promise, then rethrows the first failure, so no transfer outlives the operation. */
export async function allOrFirstError<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/**
 * Runs `transfer` on every item, `concurrency` at a time, calling `onQueued` for one that has to wait.
 * The first failure aborts the others (through the signal each gets) and is thrown once all have
 * settled; when the operation itself was aborted, its reason is thrown instead.
 */
export async function transferAll<T>(
  items: T[],
  concurrency: number,
  outer: AbortSignal | undefined,
  transfer: (item: T, signal: AbortSignal) => Promise<void>,
  onQueued: (item: T) => void,
): Promise<void> {
  const inner = new AbortController();
  const signal = outer ? AbortSignal.any([outer, inner.signal]) : inner.signal;
  const limit = createLimiter(concurrency);
  await allOrFirstError(
    items.map((item) => limit(() => transfer(item, signal), () => onQueued(item)).catch((err: unknown) => {
      inner.abort(err);
      throw err;
    })),
  ).catch((err: unknown) => {
    throw outer?.aborted ? outer.reason : err;
  });
}

/** A delay that ends early (rejecting) when the operation is aborted. */
export function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
