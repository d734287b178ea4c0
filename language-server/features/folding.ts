// Folding ranges: each stage, each instruction spanning several lines, each heredoc body, and runs
// of two or more comment lines.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { DockerfileAst } from '../../dockerfile/syntax/ast';

export function foldingRanges(ast: DockerfileAst): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (startLine: number, endLine: number, kind?: FoldingRangeKind) => {
    if (endLine > startLine) out.push(kind ? { startLine, endLine, kind } : { startLine, endLine });
  };
  for (const stage of ast.stages) add(stage.range.start.line, stage.range.end.line, FoldingRangeKind.Region);
  for (const ins of ast.instructions) {
    add(ins.startLine, ins.endLine);
    for (const h of ins.heredocs) {
      // From the line holding `<<EOF` to the terminator, so the folded line still shows the marker.
      add(h.markerRange.start.line, (h.terminatorRange ?? h.contentRange).end.line);
    }
  }
  const commentLines = ast.comments.map((c) => c.range.start.line);
  for (const d of ast.directives) commentLines.push(d.range.start.line);
  commentLines.sort((a, b) => a - b);
  let runStart = -1;
  let prev = -2;
  for (const line of commentLines) {
    if (line === prev) continue;
    if (line !== prev + 1) {
      if (runStart >= 0) add(runStart, prev, FoldingRangeKind.Comment);
      runStart = line;
    }
    prev = line;
  }
  if (runStart >= 0) add(runStart, prev, FoldingRangeKind.Comment);
  // A stage and its one-instruction body can produce the same range twice; clients want each once.
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.startLine}:${r.endLine}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
