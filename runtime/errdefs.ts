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

/** The kind of any thrown value; plain Errors are system errors. */
export function errorKind(err: unknown): ErrorKind {
  return err instanceof RuntimeError ? err.kind : 'system';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
