// Signal names as the API takes them (TERM, SIGTERM, 15) and as runc wants them (SIGTERM).
import { InvalidError } from '../errdefs.js';

export function normalizeSignal(sig: string): string {
  const s = sig.toUpperCase();
  if (/^\d+$/.test(s)) return s;
  const name = s.startsWith('SIG') ? s : `SIG${s}`;
  if (!/^SIG[A-Z0-9+-]+$/.test(name)) throw new InvalidError(`Invalid signal: ${sig}`);
  return name;
}
