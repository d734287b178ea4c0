// berth-lint's output formats: hadolint's tty lines, hadolint-compatible JSON, SARIF 2.1.0, and
// hadolint's CI formats: checkstyle, codeclimate, gitlab_codeclimate and gnu.
import { createHash } from 'node:crypto';
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

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;')
    // XML 1.0 cannot carry other control characters at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** Checkstyle 4.3 XML, as hadolint writes it (one <file> per Dockerfile, one <error> per finding),
 *  with the real column where hadolint writes 1. `fileName` replaces every file's name when given. */
export function formatCheckstyle(results: readonly FileFindings[], fileName: string | null = null): string {
  const files = results.map((r) => {
    const errors = r.findings.map((f) => `<error line="${f.range.start.line + 1}" column="${f.range.start.character + 1}" severity="${f.severity}" message="${xmlAttr(f.message)}" source="${xmlAttr(f.ruleId)}"/>`);
    return `<file name="${xmlAttr(fileName ?? r.file)}">${errors.join('')}</file>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><checkstyle version="4.3">${files.join('')}</checkstyle>\n`;
}

const codeclimateSeverity: Record<Severity, string> = { error: 'blocker', warning: 'major', info: 'info', style: 'minor' };

interface CodeclimateIssue {
  readonly categories: readonly string[];
  readonly check_name: string;
  readonly description: string;
  readonly location: { readonly lines: { readonly begin: number; readonly end: number }; readonly path: string };
  readonly severity: string;
  readonly type: 'issue';
}

function codeclimateIssues(results: readonly FileFindings[], fileName: string | null): CodeclimateIssue[] {
  return results.flatMap((r) => r.findings.map((f): CodeclimateIssue => ({
    categories: ['Bug Risk'],
    check_name: f.ruleId,
    description: f.message,
    location: { lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 }, path: fileName ?? r.file },
    severity: codeclimateSeverity[f.severity],
    type: 'issue',
  })));
}

/** Code Climate engine output: each issue as JSON followed by a NUL byte. */
export function formatCodeclimate(results: readonly FileFindings[], fileName: string | null = null): string {
  return codeclimateIssues(results, fileName).map((i) => `${JSON.stringify(i)}\u0000`).join('');
}

/** GitLab's Code Quality report: one JSON array of Code Climate issues, each with a fingerprint
 *  (SHA-1 of the issue) GitLab uses to follow an issue from one pipeline to the next. */
export function formatGitlabCodeclimate(results: readonly FileFindings[], fileName: string | null = null): string {
  return JSON.stringify(codeclimateIssues(results, fileName).map((i) => ({
    ...i,
    fingerprint: createHash('sha1').update(JSON.stringify(i)).digest('hex'),
  }))) + '\n';
}

/** GNU's `program:file:line:column: message` lines (editors' compilation modes read them). */
export function formatGnu(results: readonly FileFindings[]): string {
  const lines = results.flatMap((r) => r.findings.map((f) =>
    `berth-lint:${r.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.ruleId} ${f.severity}: ${f.message.replace(/\n/g, ' ')}`));
  return lines.length ? lines.join('\n') + '\n' : '';
}
