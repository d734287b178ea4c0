// Helpers for writing rules: one call builds a Rule with its catalogue entry, and small
// constructors build fixes, so rule modules stay a list of checks.
import type { Position, Range } from '../syntax/ast';
import type { Rule, RuleContext, RuleDoc } from './rule';
import type { Fix, RuleOrigin, SeverityOrOff, TextEdit } from './types';

export interface RuleSpec {
  readonly id: string;
  readonly aliases?: readonly string[];
  readonly origin: RuleOrigin;
  readonly severity: SeverityOrOff;
  readonly title: string;
  readonly message: string;
  readonly doc: RuleDoc;
  readonly experimental?: boolean;
  check(ctx: RuleContext, self: Rule): void;
}

export function defineRule(spec: RuleSpec): Rule {
  const rule: Rule = {
    info: {
      id: spec.id,
      aliases: spec.aliases ?? [],
      origin: spec.origin,
      defaultSeverity: spec.severity,
      title: spec.title,
      docs: `docs/rules/${spec.id}.md`,
    },
    message: spec.message,
    doc: spec.doc,
    experimental: spec.experimental,
    check: (ctx) => spec.check(ctx, rule),
  };
  return rule;
}

export function fix(title: string, edits: readonly TextEdit[], preferred = false): Fix {
  return preferred ? { title, edits, preferred } : { title, edits };
}

export function replace(range: Range, newText: string): TextEdit {
  return { range, newText };
}

export function insert(at: Position, newText: string): TextEdit {
  return { range: { start: at, end: at }, newText };
}

/** Delete whole lines `from`..`to` (inclusive). */
export function deleteLines(from: number, to: number): TextEdit {
  return { range: { start: { line: from, character: 0 }, end: { line: to + 1, character: 0 } }, newText: '' };
}
