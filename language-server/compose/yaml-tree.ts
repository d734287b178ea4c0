// Where things are in a parsed Compose file: the YAML node at a key path, the key path at an offset,
// and LSP ranges for both. Offsets are the `yaml` package's (UTF-16 string indices, as LSP counts).
import { isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export type KeyPath = readonly (string | number)[];

/** The entry at a key path: `key` is the mapping key (absent for a sequence item), `value` its value. */
export interface Entry {
  readonly key?: Node;
  readonly value: Node | null;
}

export function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) && pair.key.value !== null && pair.key.value !== undefined ? String(pair.key.value) : undefined;
}

/** The entry at `path`; undefined when the file does not write it (a default, a merge key's copy). */
export function entryAt(doc: Document.Parsed, path: KeyPath): Entry | undefined {
  let entry: Entry = { value: (doc.contents as Node | null) ?? null };
  for (const k of path) {
    const node = entry.value;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p) === String(k));
      if (!pair) return undefined;
      entry = { key: pair.key as Node, value: (pair.value as Node | null) ?? null };
    } else if (isSeq(node) && typeof k === 'number') {
      const item = node.items[k] as Node | undefined;
      if (item === undefined) return undefined;
      entry = { value: item };
    } else {
      return undefined;
    }
  }
  return entry;
}

export function nodeRange(text: TextDocument, node: Node): Range {
  const [start, end] = node.range ?? [0, 0];
  return { start: text.positionAt(start), end: text.positionAt(end) };
}

/**
 * The range an editor marks for the entry at `path`: its key (or the sequence item), or its value. A
 * path the file does not write falls back to its deepest written ancestor's key.
 */
export function rangeAt(doc: Document.Parsed, text: TextDocument, path: KeyPath, target: 'key' | 'value'): Range {
  for (let n = path.length; n >= 0; n--) {
    const e = entryAt(doc, path.slice(0, n));
    if (!e) continue;
    const wantValue = target === 'value' && n === path.length;
    const node = wantValue ? (e.value ?? e.key) : (e.key ?? e.value);
    if (node?.range) return nodeRange(text, node);
  }
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

/** Calls `fn` for every entry of the document, parents before children. */
export function walk(doc: Document.Parsed, fn: (path: KeyPath, entry: Entry) => void): void {
  const visit = (node: Node | null, path: KeyPath, key?: Node) => {
    fn(path, { key, value: node });
    if (isMap(node)) {
      for (const p of node.items) {
        const k = keyText(p);
        if (k !== undefined) visit((p.value as Node | null) ?? null, [...path, k], p.key as Node);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item as Node, [...path, i]));
    }
  };
  visit((doc.contents as Node | null) ?? null, []);
}

/** What is under an offset: the deepest entry whose key or value covers it. */
export interface Located {
  readonly path: KeyPath;
  readonly on: 'key' | 'value';
  readonly node: Node;
}

export function locate(doc: Document.Parsed, offset: number): Located | undefined {
  let found: Located | undefined;
  const covers = (n: Node | null | undefined) => !!n?.range && n.range[0] <= offset && offset <= n.range[1];
  walk(doc, (path, e) => {
    if (e.key && covers(e.key)) found = { path, on: 'key', node: e.key };
    else if (e.value && isScalar(e.value) && covers(e.value)) found = { path, on: 'value', node: e.value };
  });
  return found;
}

/** A scalar's text (strings and numbers), else undefined. */
export function scalarText(node: Node | null | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/**
 * The range of `value.slice(from, to)` inside a scalar on one line, where the source shows the value
 * as written (plain, or quoted without escapes); otherwise the whole scalar.
 */
export function partRange(text: TextDocument, node: Node, from: number, to: number): Range {
  const whole = nodeRange(text, node);
  const value = scalarText(node);
  if (value === undefined || !node.range) return whole;
  const source = text.getText().slice(node.range[0], node.range[1]);
  const quoted = source.startsWith('"') || source.startsWith("'");
  const body = quoted ? source.slice(1, -1) : source;
  if (body !== value) return whole;
  const start = node.range[0] + (quoted ? 1 : 0);
  return { start: text.positionAt(start + from), end: text.positionAt(start + to) };
}
