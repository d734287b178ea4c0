// A problem in a Compose project, named the way a user finds it: file:line, then the key path.
export interface SourcePos {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}

export type KeyPath = readonly (string | number)[];

/** `services.web.ports[0]` */
export function formatKey(path: KeyPath): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out;
}

/** Thrown inside the model and the runner; turned into a value (its message) at their boundaries. */
export class ComposeError extends Error {
  constructor(
    readonly detail: string,
    readonly pos?: SourcePos,
    readonly key?: string,
  ) {
    super(composeMessage(detail, pos, key));
  }
}

export function composeMessage(detail: string, pos?: SourcePos, key?: string): string {
  const where = pos ? `${pos.file}:${pos.line}: ` : '';
  return `${where}${key ? `${key}: ` : ''}${detail}`;
}

/** A problem at a key path of the model, before the path is turned into file:line. */
export class KeyError extends Error {
  constructor(
    readonly at: KeyPath,
    message: string,
  ) {
    super(message);
  }
}
