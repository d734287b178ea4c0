// Docker writes some history lines (`created_by`) with Go's fmt verbs; these reproduce them so
// `docker history` reads the same for images built here.
import type { HealthConfig } from './run-config.js';

/** Go's %q of a []string: ["a" "b"]. */
export function goQuoteList(values: readonly string[] | null): string {
  return `[${(values ?? []).map(goQuote).join(' ')}]`;
}

function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

/** Go's %v of a []string: [a b]. */
export function goList(values: readonly string[] | null): string {
  return `[${(values ?? []).join(' ')}]`;
}

/** Go's time.Duration.String() for nanoseconds. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let n = Math.abs(ns);
  let out: string;
  if (n < 1e3) out = `${n}ns`;
  else if (n < 1e6) out = `${trim(n / 1e3)}µs`;
  else if (n < 1e9) out = `${trim(n / 1e6)}ms`;
  else {
    const h = Math.floor(n / 3.6e12);
    n -= h * 3.6e12;
    const m = Math.floor(n / 6e10);
    n -= m * 6e10;
    const s = `${trim(n / 1e9)}s`;
    out = h ? `${h}h${m}m${s}` : m ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

function trim(v: number): string {
  return Number(v.toFixed(9)).toString();
}

/**
 * Go's %q of a *HealthConfig, which is what Docker Engine 20.10 writes in the HEALTHCHECK history
 * line: each field quoted, durations as strings, and the retry count as a quoted rune.
 */
export function goHealthcheck(h: HealthConfig): string {
  const d = (ns: number | undefined): string => JSON.stringify(goDuration(ns ?? 0));
  return `&{${goQuoteList(h.Test ?? [])} ${d(h.Interval)} ${d(h.Timeout)} ${d(h.StartPeriod)} ${goQuoteRune(h.Retries ?? 0)}}`;
}

/** Go's %q of an integer: strconv.QuoteRune. */
export function goQuoteRune(n: number): string {
  if (n >= 0x20 && n < 0x7f) {
    const c = String.fromCharCode(n);
    return c === "'" || c === '\\' ? `'\\${c}'` : `'${c}'`;
  }
  if (n < 0x80) return `'\\x${n.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCodePoint(n)}'`;
}
