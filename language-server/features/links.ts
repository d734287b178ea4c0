// Document links from image names (FROM, COPY --from, RUN --mount from=) to their Docker Hub page.
// Images from other registries get no link: there is no page to open that works for all of them.
import type { DocumentLink } from 'vscode-languageserver';
import type { DockerfileAst, Range, Token } from '../../dockerfile/syntax/ast';
import { dockerHubUrl, parseImageReference } from '../image-reference';
import { mountFromValues } from '../mount-options';
import { resolveStage, stageNames } from '../stages';

function link(ast: DockerfileAst, token: Token, stages: ReadonlySet<string>): DocumentLink | null {
  const text = token.value;
  if (stages.has(text.toLowerCase()) || text.toLowerCase() === 'scratch' || /^\d+$/.test(text)) return null;
  // Multi-line tokens (a continuation inside the name) are too rare to map character by character.
  if (token.range.start.line !== token.range.end.line) return null;
  const ref = parseImageReference(text);
  const url = ref && dockerHubUrl(ref);
  if (!ref || !url) return null;
  const line = token.range.start.line;
  const start = token.range.start.character;
  if (ast.lines[line]?.slice(start, start + text.length) !== text) return null;
  const range: Range = { start: token.range.start, end: { line, character: start + ref.nameEnd } };
  return { range, target: url, tooltip: `Open ${ref.path} on Docker Hub` };
}

export function documentLinks(ast: DockerfileAst): DocumentLink[] {
  const stages = stageNames(ast);
  const out: DocumentLink[] = [];
  const none = new Set<string>();
  for (const stage of ast.stages) {
    // A FROM naming an earlier stage is a stage reference, not an image.
    if (stage.base && !resolveStage(ast, stage.base.value, stage.index, 'from')) {
      const l = link(ast, stage.base, none);
      if (l) out.push(l);
    }
  }
  for (const ref of imageValueTokens(ast)) {
    const l = link(ast, ref, stages);
    if (l) out.push(l);
  }
  return out;
}

/** Values of COPY/ADD --from= and RUN --mount from= as tokens. */
function imageValueTokens(ast: DockerfileAst): Token[] {
  const out: Token[] = [];
  for (const ins of ast.instructions) {
    for (const f of ins.flags) {
      if (f.value === null || !f.valueRange) continue;
      if (f.name.toLowerCase() === 'from' && (ins.keyword === 'COPY' || ins.keyword === 'ADD')) {
        out.push({ value: f.value, range: f.valueRange });
      }
    }
    for (const m of mountFromValues(ins)) out.push(m);
  }
  return out;
}
