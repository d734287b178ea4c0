// Lint a Dockerfile given as text, apply fixes, and ask whether a rule fired — the vocabulary
// of the rule tests. Rule exceptions fail the test instead of being swallowed.
import assert from 'node:assert/strict';
import type { Position } from '../../../dockerfile/syntax/ast';
import { parseDockerfile } from '../../../dockerfile/syntax/parser';
import { lint } from '../../../dockerfile/lint/linter';
import type { Finding, Fix, LintOptions, TextEdit } from '../../../dockerfile/lint/types';

export function lintText(text: string, options: LintOptions = {}): Finding[] {
  return lint(parseDockerfile(text), {
    ...options,
    onRuleError: (id, e) => { throw new Error(`rule ${id} threw: ${(e as Error).stack ?? e}`); },
  });
}

export function findingsOf(ruleId: string, text: string, options: LintOptions = {}): Finding[] {
  return lintText(text, options).filter((f) => f.ruleId === ruleId);
}

/** The rule reports at least one finding (and every finding has a sane range). */
export function catches(ruleId: string, text: string, options: LintOptions = {}): Finding[] {
  const all = findingsOf(ruleId, text, options);
  assert.ok(all.length > 0, `${ruleId} should flag:\n${text}`);
  return all;
}

export function leaves(ruleId: string, text: string, options: LintOptions = {}): void {
  const all = findingsOf(ruleId, text, options);
  assert.deepEqual(all.map((f) => f.message), [], `${ruleId} should not flag:\n${text}`);
}

function offsetAt(lines: string[], p: Position): number {
  let off = 0;
  for (let l = 0; l < p.line && l < lines.length; l++) off += lines[l].length + 1;
  if (p.line >= lines.length) return lines.join('\n').length;
  return off + Math.min(p.character, lines[p.line].length);
}

/** Apply non-overlapping edits (LSP semantics: all ranges refer to the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const withOffsets = edits.map((e) => ({ start: offsetAt(lines, e.range.start), end: offsetAt(lines, e.range.end), text: e.newText }));
  withOffsets.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The first fix of the rule's first finding (optionally by title), applied. */
export function fixed(ruleId: string, text: string, options: LintOptions = {}, title?: RegExp): string {
  const f = catches(ruleId, text, options)[0];
  const fix: Fix | undefined = title ? f.fixes.find((x) => title.test(x.title)) : f.fixes[0];
  assert.ok(fix, `${ruleId} should offer a fix for:\n${text}`);
  return applyEdits(text, fix.edits);
}

/** Apply the rule's fix and check the rule is gone afterwards; returns the new text. */
export function fixesCleanly(ruleId: string, text: string, options: LintOptions = {}): string {
  const after = fixed(ruleId, text, options);
  assert.deepEqual(findingsOf(ruleId, after, options).map((f) => f.message), [], `${ruleId} still fires after its fix:\n${after}`);
  return after;
}

/** The text a finding's range covers (single line). */
export function covered(text: string, f: Finding): string {
  const lines = text.split('\n');
  return text.slice(offsetAt(lines, f.range.start), offsetAt(lines, f.range.end));
}
