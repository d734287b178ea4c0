// Code actions: the linter's quick fixes for each diagnostic in the request, "ignore on this line"
// for every finding, and source.fixAll, which applies each finding's preferred fix in one edit
// (skipping fixes that would touch the same text as an earlier one).
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { DockerfileAst } from '../../dockerfile/syntax/ast';
import type { Finding, Fix } from '../../dockerfile/lint/types';
import { comparePositions, sameRange } from '../positions';

/** The fixes that suppress a finding (`# hadolint ignore=` on the line above, `# check=skip=`). */
export type IgnoreFixes = (ast: DockerfileAst, finding: Finding) => readonly Fix[];

export interface CodeActionRequest {
  readonly uri: string;
  readonly diagnostics: readonly Diagnostic[];
  /** CodeActionContext.only; undefined means every kind. */
  readonly only?: readonly string[];
}

function wants(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function matches(d: Diagnostic, f: Finding): boolean {
  return String(d.code) === f.ruleId && d.message === f.message && sameRange(d.range, f.range);
}

function action(title: string, kind: string, uri: string, edits: readonly TextEdit[], diagnostics: Diagnostic[], preferred?: boolean): CodeAction {
  const a: CodeAction = { title, kind, diagnostics, edit: { changes: { [uri]: [...edits] } } };
  if (preferred) a.isPreferred = true;
  return a;
}

/** Edits do not overlap each other (touching ends are fine). */
function disjoint(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  for (const x of a) {
    for (const y of b) {
      const xBeforeY = comparePositions(x.range.end, y.range.start) <= 0;
      const yBeforeX = comparePositions(y.range.end, x.range.start) <= 0;
      // Two inserts at one point would land in an order the client picks: treat as overlap.
      const samePointInsert = comparePositions(x.range.start, y.range.start) === 0 && comparePositions(x.range.end, y.range.end) === 0;
      if ((!xBeforeY && !yBeforeX) || samePointInsert) return false;
    }
  }
  return true;
}

/** One edit applying every finding's preferred fix; null when there is nothing to fix. */
export function fixAll(uri: string, findings: readonly Finding[]): CodeAction | null {
  const taken: TextEdit[] = [];
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.preferred);
    if (!fix || fix.edits.length === 0) continue;
    if (!disjoint(taken, fix.edits)) continue;
    taken.push(...fix.edits);
  }
  if (!taken.length) return null;
  return action('Fix all auto-fixable Dockerfile problems', CodeActionKind.SourceFixAll + '.berth', uri, taken, []);
}

export function codeActions(ast: DockerfileAst, findings: readonly Finding[], req: CodeActionRequest, ignoreFixes: IgnoreFixes): CodeAction[] {
  const out: CodeAction[] = [];
  if (wants(req.only, CodeActionKind.QuickFix)) {
    for (const d of req.diagnostics) {
      if (d.source !== 'berth' && d.source !== 'shellcheck') continue;
      const f = findings.find((x) => matches(d, x));
      if (!f) continue;
      for (const fix of f.fixes) out.push(action(fix.title, CodeActionKind.QuickFix, req.uri, fix.edits, [d], fix.preferred));
      for (const ignore of ignoreFixes(ast, f)) out.push(action(ignore.title, CodeActionKind.QuickFix, req.uri, ignore.edits, [d]));
    }
  }
  if (req.only && wants(req.only, CodeActionKind.SourceFixAll)) {
    const all = fixAll(req.uri, findings);
    if (all) out.push(all);
  }
  return out;
}
