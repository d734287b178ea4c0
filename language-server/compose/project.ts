// The other files of the project an open Compose file belongs to, as docker compose would read them
// together: compose.yaml with its compose.override.yaml, a compose.<env>.yaml with the compose.yaml next
// to it (as `-f compose.yaml -f compose.prod.yaml`), and the files they include. Open files are read
// from the editor, the rest from disk.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { DEFAULT_FILES, OVERRIDE_FILES } from '../../compose/model/load-project';
import { composeFromText, type ComposeDocument } from './compose-documents';
import { entryAt, scalarText } from './yaml-tree';

export type OpenText = (file: string) => string | undefined;

/** The -f files docker compose reads this file with, in order (the file itself included). */
export function projectFiles(file: string): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const isDefault = DEFAULT_FILES.includes(base);
  const isOverride = OVERRIDE_FILES.includes(base);
  const isVariant = /^(docker-)?compose\.[^.]+\.ya?ml$/.test(base);
  if (!isDefault && !isOverride && !isVariant) return [file];
  const main = DEFAULT_FILES.map((f) => path.join(dir, f)).find((f) => f === file || existsSync(f));
  const override = OVERRIDE_FILES.map((f) => path.join(dir, f)).find((f) => f === file || existsSync(f));
  if (isDefault) return override ? [file, override] : [file];
  if (isOverride) return main ? [main, file] : [file];
  return main ? [main, file] : [file];
}

/** The include: paths of a document, absolute. */
export function includedFiles(doc: ComposeDocument): string[] {
  if (!doc.file) return [];
  const dir = path.dirname(doc.file);
  const inc = entryAt(doc.doc, ['include'])?.value;
  if (!isSeq(inc)) return [];
  const out: string[] = [];
  for (const item of inc.items as Node[]) {
    if (isScalar(item)) {
      const s = scalarText(item);
      if (s) out.push(path.resolve(dir, s));
    } else if (isMap(item)) {
      const p = item.get('path', true) as Node | undefined;
      const list = isSeq(p) ? (p.items as Node[]) : [p];
      for (const n of list) {
        const s = scalarText(n);
        if (s) out.push(path.resolve(dir, s));
      }
    }
  }
  return out;
}

/** Every other file of the project (and what they include), parsed; files that cannot be read are left out. */
export function projectDocuments(doc: ComposeDocument, openText: OpenText): ComposeDocument[] {
  if (!doc.file) return [];
  const seen = new Set<string>([doc.file]);
  const out: ComposeDocument[] = [];
  const queue = [...projectFiles(doc.file), ...includedFiles(doc)];
  while (queue.length) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    let source = openText(f);
    if (source === undefined) {
      try {
        source = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
    }
    const other = composeFromText(pathToFileURL(f).href, source);
    out.push(other);
    queue.push(...includedFiles(other));
  }
  return out;
}
