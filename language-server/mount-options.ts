// The `key=value,key=value` options of RUN --mount, each with its range in the document, for
// completion, hover, links and stage references. Quoted fields (CSV style) are respected.
import type { Flag, Instruction, Range, Token } from '../dockerfile/syntax/ast';

export interface MountOption {
  readonly key: string;
  readonly value: string | null;
  readonly keyRange: Range;
  readonly valueRange: Range | null;
  readonly range: Range;
}

export interface Mount {
  readonly flag: Flag;
  readonly type: string;
  readonly options: readonly MountOption[];
}

function at(r: Range, offset: number): Range['start'] {
  return { line: r.start.line, character: r.start.character + offset };
}

/** Splits a --mount value; offsets map to the document only when the value sits on one line. */
export function parseMount(flag: Flag): Mount {
  const text = flag.value ?? '';
  const base = flag.valueRange;
  const oneLine = !!base && base.start.line === base.end.line;
  const options: MountOption[] = [];
  let i = 0;
  while (i <= text.length) {
    let j = i;
    let quote = '';
    while (j < text.length && (quote || text[j] !== ',')) {
      if (quote) { if (text[j] === quote) quote = ''; }
      else if (text[j] === '"' || text[j] === "'") quote = text[j];
      j++;
    }
    const field = text.slice(i, j);
    if (field.trim()) {
      const eq = field.indexOf('=');
      const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
      const value = eq < 0 ? null : field.slice(eq + 1).replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
      const r = (s: number, e: number): Range => (oneLine && base ? { start: at(base, s), end: at(base, e) } : (base ?? flag.range));
      options.push({
        key,
        value,
        keyRange: r(i, eq < 0 ? j : i + eq),
        valueRange: eq < 0 ? null : r(i + eq + 1, j),
        range: r(i, j),
      });
    }
    i = j + 1;
  }
  const typeOpt = options.find((o) => o.key === 'type');
  return { flag, type: typeOpt?.value?.toLowerCase() ?? 'bind', options };
}

export function mountsOf(ins: Instruction): Mount[] {
  if (ins.keyword !== 'RUN') return [];
  return ins.flags.filter((f) => f.name.toLowerCase() === 'mount').map(parseMount);
}

/** `from=` values of an instruction's mounts (only those with exact ranges). */
export function mountFromValues(ins: Instruction): Token[] {
  const out: Token[] = [];
  for (const m of mountsOf(ins)) {
    for (const o of m.options) {
      if (o.key === 'from' && o.value && o.valueRange && o.valueRange.start.line === o.valueRange.end.line) {
        out.push({ value: o.value, range: o.valueRange });
      }
    }
  }
  return out;
}
