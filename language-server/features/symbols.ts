// Document symbols as a tree: parser directives and global ARGs at the top, then one symbol per
// stage holding its instructions (ARG/ENV/LABEL list their keys as children).
import { SymbolKind, SymbolTag, type DocumentSymbol } from 'vscode-languageserver';
import type { DockerfileAst, Instruction, Stage } from '../../dockerfile/syntax/ast';

const KINDS: Record<string, SymbolKind> = {
  FROM: SymbolKind.Module,
  ARG: SymbolKind.Variable,
  ENV: SymbolKind.Variable,
  LABEL: SymbolKind.Property,
  MAINTAINER: SymbolKind.Property,
  EXPOSE: SymbolKind.Number,
  WORKDIR: SymbolKind.File,
  COPY: SymbolKind.File,
  ADD: SymbolKind.File,
  VOLUME: SymbolKind.File,
  USER: SymbolKind.Key,
  ONBUILD: SymbolKind.Event,
  STOPSIGNAL: SymbolKind.Event,
  HEALTHCHECK: SymbolKind.Event,
};

const DETAIL_MAX = 80;

function detail(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > DETAIL_MAX ? `${oneLine.slice(0, DETAIL_MAX - 1)}…` : oneLine;
}

/** `NAME=value` / `NAME` words of ARG, ENV and LABEL become child symbols. */
function keyChildren(ins: Instruction): DocumentSymbol[] {
  if (ins.keyword !== 'ARG' && ins.keyword !== 'ENV' && ins.keyword !== 'LABEL') return [];
  const legacy = ins.keyword !== 'ARG' && ins.words.length > 0 && !ins.words[0].value.includes('=');
  const words = legacy ? ins.words.slice(0, 1) : ins.words;
  const out: DocumentSymbol[] = [];
  for (const w of words) {
    const eq = w.value.indexOf('=');
    const name = eq < 0 ? w.value : w.value.slice(0, eq);
    if (!name) continue;
    out.push({
      name,
      detail: eq < 0 ? (legacy ? detail(ins.argsText.slice(name.length)) : '') : detail(w.value.slice(eq + 1)),
      kind: ins.keyword === 'LABEL' ? SymbolKind.Property : SymbolKind.Variable,
      range: w.range,
      selectionRange: w.range,
    });
  }
  return out;
}

function instructionSymbol(ins: Instruction): DocumentSymbol {
  const s: DocumentSymbol = {
    name: ins.keyword,
    detail: detail(ins.argsText),
    kind: KINDS[ins.keyword] ?? SymbolKind.Function,
    range: ins.range,
    selectionRange: ins.keywordToken.range,
  };
  const children = keyChildren(ins);
  if (children.length) s.children = children;
  if (ins.keyword === 'MAINTAINER') s.tags = [SymbolTag.Deprecated];
  return s;
}

function stageSymbol(stage: Stage): DocumentSymbol {
  const base = stage.base?.value ?? '';
  return {
    name: stage.name?.value ?? `stage ${stage.index}`,
    detail: base ? `FROM ${detail(base)}` : 'FROM',
    kind: SymbolKind.Module,
    range: stage.range,
    selectionRange: stage.name?.range ?? stage.from.keywordToken.range,
    children: stage.instructions.map(instructionSymbol),
  };
}

export function documentSymbols(ast: DockerfileAst): DocumentSymbol[] {
  const top: DocumentSymbol[] = ast.directives.map((d) => ({
    name: `# ${d.name}`,
    detail: detail(d.value),
    kind: SymbolKind.Property,
    range: d.range,
    selectionRange: d.nameRange,
  }));
  for (const ins of ast.instructions) {
    if (ins.stageIndex < 0) top.push(instructionSymbol(ins));
  }
  for (const stage of ast.stages) top.push(stageSymbol(stage));
  return top;
}
