// Folding in Compose files: every mapping and sequence that spans lines (VS Code folds by indentation only
// when no provider answers, and this server answers for the language).
import type { FoldingRange } from 'vscode-languageserver';
import { isMap, isSeq } from 'yaml';
import type { ComposeDocument } from './compose-documents';
import { walk } from './yaml-tree';

export function composeFolding(d: ComposeDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  walk(d.doc, (path, e) => {
    const v = e.value;
    if (path.length === 0 || !(isMap(v) || isSeq(v)) || !v.range) return;
    const startLine = d.text.positionAt((e.key ?? v).range?.[0] ?? v.range[0]).line;
    // range[1] is where the value ends, past its last line break for a block collection.
    const end = d.text.positionAt(v.range[1]);
    const endLine = end.character === 0 && end.line > startLine ? end.line - 1 : end.line;
    if (endLine > startLine) out.push({ startLine, endLine });
  });
  return out;
}
