// Signal names as the API takes them (TERM, SIGTERM, 15) and as runc wants them (SIGTERM). Only the
// signals Linux has are accepted, as dockerd's signal.ParseSignal does ("Invalid signal: SIGBOGUS").
import { InvalidError } from '../errdefs.js';

const NAMES = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL',
  'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1',
  'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ', 'RTMIN', 'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${i + 1}`),
]);

/** Highest signal number on Linux (SIGRTMAX). */
const MAX_SIGNAL = 64;

/** The runc form of a signal (SIGTERM, or its number); InvalidError for anything Linux does not have. */
export function normalizeSignal(sig: string): string {
  const s = sig.toUpperCase();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < 1 || n > MAX_SIGNAL) throw new InvalidError(`Invalid signal: ${sig}`);
    return String(n);
  }
  const name = s.startsWith('SIG') ? s.slice(3) : s;
  if (!NAMES.has(name)) throw new InvalidError(`Invalid signal: ${sig}`);
  return `SIG${name}`;
}
