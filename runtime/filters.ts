// Filters as the services take them (name -> values), below the API that parses them from a query,
// so images/, events/ and the routes share one type without the services importing api/.
import { InvalidError } from './errdefs.js';

export type Filters = Map<string, string[]>;

/** Rejects filter names a route does not know, as Docker does. */
export function checkFilterNames(filters: Filters, allowed: readonly string[]): void {
  for (const name of filters.keys()) {
    if (!allowed.includes(name)) throw new InvalidError(`invalid filter '${name}'`);
  }
}

/** Docker times in queries: unix seconds (`1700000000` or `1700000000.123456789`) or RFC 3339. Returns nanoseconds. */
export function parseTimestamp(value: string, name: string): bigint {
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (m) return BigInt(m[1]) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidError(`invalid value for "${name}": ${value} is not a timestamp`);
  return BigInt(ms) * 1_000_000n;
}
