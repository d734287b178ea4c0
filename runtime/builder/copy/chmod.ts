// COPY/ADD --chmod: an octal mode for everything copied, or a symbolic mode (`u+x,go-w`, as chmod(1)
// and BuildKit read it) applied to each entry's own mode.
import { parseChmod } from '../../../dockerfile/syntax/values.js';
import { InvalidError } from '../../errdefs.js';

export type ModeChange = (mode: number, isDir: boolean) => number;

export function chmodFunction(text: string): ModeChange {
  const parsed = parseChmod(text);
  if (!parsed.ok) throw new InvalidError(parsed.error);
  const { octal, symbolic } = parsed.value;
  if (octal !== null) return () => octal;
  const clauses = (symbolic ?? '').split(',');
  return (mode, isDir) => clauses.reduce((m, c) => applyClause(m, c, isDir), mode & 0o7777);
}

const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007, a: 0o7777 };

function applyClause(mode: number, clause: string, isDir: boolean): number {
  const m = /^([ugoa]*)(.*)$/.exec(clause) as RegExpExecArray;
  const who = m[1] === '' ? 'a' : m[1];
  let mask = 0;
  for (const w of who) mask |= WHO[w];
  let rest = m[2];
  let out = mode;
  while (rest.length) {
    const op = rest[0];
    const perm = /^[-+=]([rwxXst]*|[ugo])/.exec(rest) as RegExpExecArray;
    rest = rest.slice(perm[0].length);
    let bits = 0;
    const p = perm[1];
    if (/^[ugo]$/.test(p)) {
      const shift = p === 'u' ? 6 : p === 'g' ? 3 : 0;
      const v = (mode >> shift) & 0o7;
      bits = (v << 6) | (v << 3) | v;
    } else {
      for (const ch of p) {
        if (ch === 'r') bits |= 0o444;
        else if (ch === 'w') bits |= 0o222;
        else if (ch === 'x') bits |= 0o111;
        else if (ch === 'X' && (isDir || (mode & 0o111) !== 0)) bits |= 0o111;
        else if (ch === 's') bits |= 0o6000;
        else if (ch === 't') bits |= 0o1000;
      }
    }
    bits &= mask;
    if (op === '+') out |= bits;
    else if (op === '-') out &= ~bits;
    else out = (out & ~mask) | bits;
  }
  return out & 0o7777;
}
