// Signature help: the forms of the instruction under the cursor, the one matching what is written
// active (exec form when the arguments start with `[`), and the parameter the cursor is on.
import type { ParameterInformation, SignatureHelp, SignatureInformation } from 'vscode-languageserver';
import type { DockerfileAst, Instruction, Position } from '../../dockerfile/syntax/ast';
import { instructionDoc, type FormDoc } from '../docs/instructions';
import { comparePositions, contains } from '../positions';
import { instructionAt } from '../symbol-at';

function signature(form: FormDoc): SignatureInformation {
  const parameters: ParameterInformation[] = form.params.map((p) => {
    const at = form.label.indexOf(p.label);
    return { label: at >= 0 ? [at, at + p.label.length] as [number, number] : p.label, documentation: { kind: 'markdown', value: p.doc } };
  });
  return { label: form.label, parameters };
}

/** Index of the form that matches the written arguments. */
function activeForm(ins: Instruction, forms: readonly FormDoc[], before: string): number {
  const json = forms.findIndex((f) => /^\w+ (\[--[^\]]*\] )*\[/.test(f.label) && f.label.includes('["'));
  const argStart = before.replace(/^\s*\w+\s+/, '').replace(/^(--\S+\s+)*/, '');
  if (json >= 0 && (ins.json || argStart.startsWith('['))) return json;
  if (ins.keyword === 'HEALTHCHECK' && ins.words[0]?.value.toUpperCase() === 'NONE') return forms.findIndex((f) => f.label.endsWith('NONE'));
  if (ins.keyword === 'CMD' && !argStart.startsWith('[') && argStart.length > 0) return forms.length - 1;
  if ((ins.keyword === 'ENV') && ins.words.length > 0 && !ins.words[0].value.includes('=') && ins.words.length > 1) return 1;
  return Math.max(0, forms.findIndex((f) => !f.label.includes('["')));
}

function activeParameter(ins: Instruction, form: FormDoc, pos: Position): number {
  const flag = ins.flags.find((f) => contains(f.range, pos));
  if (flag) {
    const i = form.params.findIndex((p) => p.label.startsWith(`--${flag.name.toLowerCase()}`));
    if (i >= 0) return i;
  }
  const positional = form.params.map((p, i) => ({ p, i })).filter(({ p }) => !p.label.startsWith('--'));
  if (positional.length === 0) return 0;
  if (ins.json) {
    const k = ins.json.ranges.findIndex((r) => comparePositions(pos, r.end) <= 0);
    return positional[Math.min(k < 0 ? ins.json.ranges.length : k, positional.length - 1)].i;
  }
  let index = ins.words.findIndex((w) => comparePositions(pos, w.range.end) <= 0);
  if (index < 0) index = ins.words.length;
  if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    // <src>... <dest>: the last written word is the destination once there are two.
    const last = positional.length - 1;
    return positional[index >= 1 && index >= ins.words.length - 1 ? last : 0].i;
  }
  if (ins.keyword === 'FROM') return positional[Math.min(index === 0 ? 0 : 1, positional.length - 1)].i;
  return positional[Math.min(index, positional.length - 1)].i;
}

export function signatureHelp(ast: DockerfileAst, pos: Position): SignatureHelp | null {
  const outer = instructionAt(ast, pos);
  if (!outer) return null;
  const ins = outer.onbuild && comparePositions(pos, outer.onbuild.keywordToken.range.end) > 0 ? outer.onbuild : outer;
  // On the keyword itself nothing is being written yet.
  if (comparePositions(pos, ins.keywordToken.range.end) <= 0) return null;
  const doc = instructionDoc(ins.keyword);
  if (!doc) return null;
  const line = ast.lines[ins.startLine] ?? '';
  const before = line.slice(ins.keywordToken.range.start.character, pos.line === ins.startLine ? pos.character : line.length);
  const formIndex = activeForm(ins, doc.forms, before);
  const form = doc.forms[formIndex];
  return {
    signatures: doc.forms.map(signature),
    activeSignature: formIndex,
    activeParameter: activeParameter(ins, form, pos),
  };
}
