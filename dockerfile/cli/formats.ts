// berth-lint's output formats: hadolint's tty lines, hadolint-compatible JSON, and SARIF 2.1.0.
import { findRule } from '../lint/catalogue';
import type { Finding, Severity } from '../lint/types';

export interface FileFindings {
  /** As given on the command line (`-` for standard input). */
  readonly file: string;
  readonly findings: readonly Finding[];
}

const colors: Record<Severity, string> = { error: '31', warning: '33', info: '32', style: '36' };

/** `FILE:LINE RULE severity: message`, one per line, as hadolint's tty format. */
export function formatTty(results: readonly FileFindings[], color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      lines.push(`${r.file}:${f.range.start.line + 1} ${paint('1', f.ruleId)} ${paint(colors[f.severity], f.severity)}: ${f.message}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** hadolint's JSON fields (code, column, file, level, line, message), plus where the finding ends. */
export function formatJson(results: readonly FileFindings[]): string {
  const out = results.flatMap((r) => r.findings.map((f) => ({
    code: f.ruleId,
    column: f.range.start.character + 1,
    file: r.file,
    level: f.severity,
    line: f.range.start.line + 1,
    message: f.message,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    source: f.source,
  })));
  return JSON.stringify(out, null, 2) + '\n';
}

const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };

export interface SarifOptions {
  readonly version: string;
  /** Turns a command-line file name into the artifact URI (relative paths stay relative). */
  readonly uriOf?: (file: string) => string;
}

/** A SARIF 2.1.0 log with one run: the rules that fired (with their docs) and one result per finding. */
export function formatSarif(results: readonly FileFindings[], opts: SarifOptions): string {
  const ruleIndex = new Map<string, number>();
  const rules: object[] = [];
  const ruleFor = (f: Finding): number => {
    const known = ruleIndex.get(f.ruleId);
    if (known !== undefined) return known;
    const rule = findRule(f.ruleId);
    const entry = rule
      ? {
          id: rule.info.id,
          name: rule.info.id,
          shortDescription: { text: rule.info.title },
          fullDescription: { text: rule.doc.what },
          help: { text: `${rule.doc.why} See ${rule.info.docs}.`, markdown: `${rule.doc.why}\n\nSee [${rule.info.docs}](${rule.info.docs}).` },
          defaultConfiguration: { level: rule.info.defaultSeverity === 'ignore' ? 'none' : sarifLevel[rule.info.defaultSeverity] },
          properties: { origin: rule.info.origin, aliases: rule.info.aliases, docs: rule.info.docs },
        }
      : {
          id: f.ruleId,
          name: f.ruleId,
          shortDescription: { text: `ShellCheck ${f.ruleId}` },
          helpUri: `https://www.shellcheck.net/wiki/${f.ruleId}`,
          properties: { origin: 'shellcheck' },
        };
    rules.push(entry);
    ruleIndex.set(f.ruleId, rules.length - 1);
    return rules.length - 1;
  };
  const uriOf = opts.uriOf ?? ((file: string) => file.split('\\').join('/'));
  const sarifResults = results.flatMap((r) => r.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: ruleFor(f),
    level: sarifLevel[f.severity],
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: r.file === '-' ? 'stdin' : uriOf(r.file) },
        region: {
          startLine: f.range.start.line + 1,
          startColumn: f.range.start.character + 1,
          endLine: f.range.end.line + 1,
          endColumn: f.range.end.character + 1,
        },
      },
    }],
  })));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'berth-lint', version: opts.version, rules } },
      results: sarifResults,
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
