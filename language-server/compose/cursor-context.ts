// Where the cursor is in a Compose file that is being typed, read from indentation rather than from
// the YAML tree: a half-typed line (`    im`, `  - `) is not yet the key or item it will become, but its
// column already says which mapping or sequence it belongs to.
import type { Position, Range } from 'vscode-languageserver';
import type { KeyPath } from './yaml-tree';

export interface CursorContext {
  /** The mapping (kind `key`), the value (kind `value`) or the sequence item (kind `item`, a value or a new item mapping's key). */
  readonly path: KeyPath;
  readonly kind: 'key' | 'value' | 'item';
  /** The word typed so far, and its range (replaced by the completion). */
  readonly prefix: string;
  readonly replace: Range;
  /** Column where a key typed here starts (for snippets that open a nested block). */
  readonly column: number;
}

interface LineInfo {
  readonly blank: boolean;
  readonly indent: number;
  readonly dash: boolean;
  /** Column of the content after the indent and an optional `- `. */
  readonly content: number;
  readonly key?: string;
}

const LINE = /^(\s*)(-(?:\s+|$))?(.*)$/;
const KEY = /^(?:"([^"]*)"|'([^']*)'|([^\s#'"{[][^#]*?))\s*:(?:\s|$)/;

function lineInfo(line: string): LineInfo {
  const m = LINE.exec(line)!;
  const rest = m[3];
  const indent = m[1].length;
  const dash = !!m[2];
  if (!dash && (rest === '' || rest.startsWith('#'))) return { blank: true, indent, dash, content: indent };
  const k = KEY.exec(rest);
  return { blank: false, indent, dash, content: indent + (m[2]?.length ?? 0), key: k ? (k[1] ?? k[2] ?? k[3]) : undefined };
}

/** The path of the collection holding what starts at `col` on line `lineNo` (`item`: a `- ` item at column `col`). */
function owner(lines: readonly string[], lineNo: number, col: number, item: boolean): KeyPath {
  for (let l = lineNo - 1; l >= 0; l--) {
    const info = lineInfo(lines[l]);
    if (info.blank || lines[l].trimStart().startsWith('#')) continue;
    if (item) {
      if (info.dash && info.indent === col) continue;
      if (info.content <= col && info.key !== undefined) return [...container(lines, l, info), info.key, 0];
      if (info.content < col) return [];
      continue;
    }
    if (info.dash && info.indent < col) {
      if (info.content === col) return owner(lines, l, info.indent, true);
      if (info.content < col && info.key !== undefined) return [...owner(lines, l, info.indent, true), info.key];
      return owner(lines, l, info.indent, true);
    }
    if (info.content >= col) continue;
    return info.key !== undefined ? [...container(lines, l, info), info.key] : [];
  }
  return [];
}

/** The path of the mapping the key on line `l` belongs to. */
function container(lines: readonly string[], l: number, info: LineInfo): KeyPath {
  return info.dash ? owner(lines, l, info.indent, true) : owner(lines, l, info.content, false);
}

export function cursorContext(lines: readonly string[], pos: Position): CursorContext | undefined {
  const line = lines[pos.line];
  if (line === undefined) return undefined;
  const before = line.slice(0, pos.character);
  if (/(^|\s)#/.test(before)) return undefined;
  const m = LINE.exec(before)!;
  const indent = m[1].length;
  const dash = !!m[2];
  const content = indent + (m[2]?.length ?? 0);
  const rest = m[3];
  const word = (s: string) => /[^\s,[\]{}"']*$/.exec(s)![0];
  const range = (len: number): Range => ({ start: { line: pos.line, character: pos.character - len }, end: pos });
  const k = KEY.exec(rest);
  if (k) {
    const key = k[1] ?? k[2] ?? k[3];
    const base = dash ? owner(lines, pos.line, indent, true) : owner(lines, pos.line, content, false);
    const value = rest.slice(k[0].length);
    const prefix = word(value);
    // `key: [a, b|` is an item of the flow sequence.
    const inFlow = /^\s*\[/.test(value);
    return { path: inFlow ? [...base, key, 0] : [...base, key], kind: inFlow ? 'item' : 'value', prefix, replace: range(prefix.length), column: content };
  }
  const prefix = word(rest);
  if (rest.slice(0, rest.length - prefix.length).trim() !== '') return undefined;
  if (dash) return { path: owner(lines, pos.line, indent, true), kind: 'item', prefix, replace: range(prefix.length), column: content };
  return { path: owner(lines, pos.line, content, false), kind: 'key', prefix, replace: range(prefix.length), column: content };
}
