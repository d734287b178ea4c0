// Parser directives: `# name=value` lines at the very top. BuildKit reads them until the first
// line that is not one (an empty line, a plain comment, an instruction, or an unknown name).
import type { Directive } from './ast.js';

export const KNOWN_DIRECTIVES: ReadonlySet<string> = new Set(['syntax', 'escape', 'check']);

// After `#` and blanks: a name, `=`, a value; blanks around `=` and at the end are dropped.
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;

export interface DirectiveLine {
  readonly directive: Directive;
  /** False for names BuildKit does not know; such a line also ends the directive block. */
  readonly known: boolean;
}

/** Reads `line` from `col` (its first non-blank character); null when it is not directive-shaped. */
export function readDirective(line: string, lineNo: number, col: number): DirectiveLine | null {
  if (line.charCodeAt(col) !== 0x23 /* # */) return null;
  let p = col + 1;
  while (p < line.length && /\s/.test(line[p])) p++;
  const m = DIRECTIVE.exec(line.slice(p));
  if (!m) return null;
  const nameStart = p;
  const nameEnd = nameStart + m[1].length;
  let valueStart = nameEnd;
  while (line[valueStart] !== '=') valueStart++;
  valueStart++;
  while (/[\t\n\f\r ]/.test(line[valueStart])) valueStart++;
  const valueEnd = valueStart + m[2].length;
  const name = m[1].toLowerCase();
  const at = (a: number, b: number) => ({ start: { line: lineNo, character: a }, end: { line: lineNo, character: b } });
  return {
    directive: {
      name,
      value: m[2],
      range: at(col, line.length),
      nameRange: at(nameStart, nameEnd),
      valueRange: at(valueStart, valueEnd),
    },
    known: KNOWN_DIRECTIVES.has(name),
  };
}
