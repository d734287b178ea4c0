// Every failure of a pull or push surfaces as a RegistryError whose message a user can act on.
// The daemon maps `kind` to an HTTP status (not-found 404, unauthorized 401, invalid 400, the rest 500).
// Cancellation is the one exception: an aborted operation rejects with `signal.reason`, as AbortSignal APIs do.

export type RegistryErrorKind = 'not-found' | 'unauthorized' | 'invalid' | 'unavailable' | 'digest-mismatch';

export class RegistryError extends Error {
  constructor(
    readonly kind: RegistryErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryError';
  }
}

/** One entry of the distribution spec's error body `{"errors":[{"code","message","detail"}]}`. */
export interface DistributionError {
  code: string;
  message: string;
}

/** Reads the spec's error body; anything else (HTML from a proxy, empty) yields no entries. */
export function parseDistributionErrors(body: Buffer): DistributionError[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  if (!isObject(parsed) || !Array.isArray(parsed.errors)) return [];
  const out: DistributionError[] = [];
  for (const e of parsed.errors) {
    if (!isObject(e)) continue;
    const code = typeof e.code === 'string' ? e.code : 'UNKNOWN';
    const message = typeof e.message === 'string' ? e.message : '';
    out.push({ code, message });
  }
  return out;
}

/** `manifest unknown: manifest unknown`, the way Docker prints registry errors. */
export function describeDistributionErrors(errors: DistributionError[]): string {
  return errors.map((e) => `${e.code.toLowerCase().replace(/_/g, ' ')}: ${e.message}`).join('; ');
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
