// A linter Finding as an LSP Diagnostic: code = rule id, a link to the rule's page, source 'berth'
// or 'shellcheck', and the Deprecated / Unnecessary tags where the rule is about exactly that.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { Finding, Severity } from '../dockerfile/lint/types';
import type { RuleDocs } from './rule-docs';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  style: DiagnosticSeverity.Hint,
};

/** Rules that flag a deprecated instruction or form: editors strike the range through. */
const DEPRECATED = new Set(['DL4000', 'LegacyKeyValueFormat']);

/** Rules whose range is text without effect: editors fade it. (Not DL4003/DL4004/DL3012: they
 *  mark the instruction that wins, not the ignored one.) */
const UNNECESSARY = new Set(['DL3065', 'NoEmptyContinuation']);

export function toDiagnostic(f: Finding, docs: RuleDocs): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity] ?? DiagnosticSeverity.Warning,
    code: f.ruleId,
    source: f.source,
    message: f.message,
  };
  const href = docs.href(f.ruleId, f.source);
  if (href) d.codeDescription = { href };
  const tags: DiagnosticTag[] = [];
  if (DEPRECATED.has(f.ruleId)) tags.push(DiagnosticTag.Deprecated);
  if (UNNECESSARY.has(f.ruleId)) tags.push(DiagnosticTag.Unnecessary);
  if (tags.length) d.tags = tags;
  return d;
}
