// Where a key of the merged model was written. The model is merged from several documents (files,
// includes, extends bases), so a key path is looked up in each document that contributed, the last
// (the one that won the merge) first.
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { KeyPath, SourcePos } from './problem';

export interface ParsedFile {
  /** Absolute path. */
  readonly path: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

interface Entry {
  file: ParsedFile;
  /** Model path prefix `to` is found in this document under `from` (an extends base, an include). */
  from: KeyPath;
  to: KeyPath;
}

export class SourceIndex {
  private readonly entries: Entry[] = [];

  /** Paths in messages are relative to this folder. */
  constructor(private readonly baseDir: string) {}

  /** `low`: an extends base, consulted only for keys the files themselves do not have. */
  add(file: ParsedFile, remap?: { from: KeyPath; to: KeyPath }, priority: 'high' | 'low' = 'high'): void {
    const e = { file, from: remap?.from ?? [], to: remap?.to ?? [] };
    if (priority === 'low') this.entries.unshift(e);
    else this.entries.push(e);
  }

  locate(key: KeyPath): SourcePos | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (!startsWith(key, e.to)) continue;
      const inDoc = [...e.from, ...key.slice(e.to.length)];
      const pos = locateIn(e.file, inDoc, this.baseDir);
      if (pos) return pos;
    }
    // The deepest part of the path that exists somewhere (a key that was defaulted in has no line).
    if (key.length > 0) return this.locate(key.slice(0, -1));
    return undefined;
  }
}

function startsWith(a: KeyPath, prefix: KeyPath): boolean {
  return prefix.every((p, i) => a[i] === p);
}

/** Position of the key (for a map entry) or the item (for a sequence entry) at `key` in one file. */
export function locateIn(file: ParsedFile, key: KeyPath, baseDir: string): SourcePos | undefined {
  let node: unknown = file.doc.contents;
  let at: Node | undefined = node as Node | undefined;
  for (const k of key) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) return undefined;
      at = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof k === 'number') {
      node = node.items[k];
      if (node === undefined) return undefined;
      at = node as Node;
    } else {
      return undefined;
    }
  }
  const offset = at?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = file.lines.linePos(offset);
  return { file: relative(baseDir, file.path), line, col };
}

export function relative(baseDir: string, file: string): string {
  const r = path.relative(baseDir, file);
  return r.startsWith('..') ? file : r;
}
