// Error kinds of the runtime core. Services throw these; only runtime/api/errors.ts turns them into HTTP.
export type ErrorKind = 'not-found' | 'conflict' | 'invalid' | 'forbidden' | 'not-modified' | 'unauthorized' | 'unavailable' | 'system';

export class RuntimeError extends Error {
  constructor(readonly kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

export class NotFoundError extends RuntimeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not-found', message, options);
  }
}

export class ConflictError extends RuntimeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', message, options);
  }
}

export class InvalidError extends RuntimeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid', message, options);
  }
}

/** Refused as things stand (Docker's 403: an endpoint that already exists, an address in use). */
export class ForbiddenError extends RuntimeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('forbidden', message, options);
  }
}

export class NotModifiedError extends RuntimeError {
  constructor(message = '', options?: { cause?: unknown }) {
    super('not-modified', message, options);
  }
}

export class UnauthorizedError extends RuntimeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unauthorized', message, options);
  }
}

export class UnavailableError extends RuntimeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, options);
  }
}

export class SystemError extends RuntimeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('system', message, options);
  }
}

/** The engine's root, named in "no space left on device" messages; set once at start. */
let engineRoot = '';

export function setEngineRoot(root: string): void {
  engineRoot = root;
}

/** A write that failed because the engine's file system is full (ENOSPC, or EDQUOT for a quota). */
export class DiskFullError extends SystemError {
  /** `what`: what was being written ("unpacking a layer"); undefined where nobody said. */
  constructor(what: string | undefined, options?: { cause?: unknown }) {
    super(`no space left on device: ${what ? `${what} in` : 'writing to'} the engine's root ${engineRoot || '(unknown)'} failed; free space on that file system and try again`, options);
  }
}

/** Whether `err` (or an error it wraps) is a full disk. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DiskFullError) return true;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
    if (/\bENOSPC\b|no space left on device/i.test((e as Error).message ?? '')) return true;
  }
  return false;
}

/** `err` as a DiskFullError naming `what` was being written when the disk is full; otherwise `err` itself. */
export function asDiskFull(err: unknown, what: string): unknown {
  if (err instanceof DiskFullError || !isDiskFull(err)) return err;
  return new DiskFullError(what, { cause: err });
}

/** The kind of any thrown value; plain Errors are system errors. */
export function errorKind(err: unknown): ErrorKind {
  return err instanceof RuntimeError ? err.kind : 'system';
}

export function errorMessage(err: unknown): string {
  // A full disk met where nobody named what was being written still says so, with the root.
  if (isDiskFull(err) && !(err instanceof DiskFullError) && !(err instanceof RuntimeError && /no space left on device/.test(err.message))) {
    return new DiskFullError(undefined).message;
  }
  return err instanceof Error ? err.message : String(err);
}
