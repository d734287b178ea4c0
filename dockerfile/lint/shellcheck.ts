// ShellCheck over every shell-form RUN (and heredoc scripts), hadolint's way, but with exact
// positions: each script is written as `#!<shell>`, `export NAME=1` for every ARG/ENV the RUN
// can see, then the command; ShellCheck's line/column (json1: tabs count as one character) is
// mapped back through the RUN's source map to the document, continuation lines included.
// Making the scripts and reading the comments back are apart from running the process
// (shellcheck-process.ts), so the language server can cache results per script text and run
// ShellCheck when it suits the editor.
import * as path from 'node:path';
import { PROXY_ARGS } from '../expansion/predefined';
import type { DockerfileAst, Instruction, Range, Stage } from '../syntax/ast';
import { factsOf, type Facts } from './facts';
import { Policy, sortFindings } from './linter';
import { runShellcheckProcess, type ShellcheckComment, type ShellcheckProcessOptions } from './shellcheck-process';
import type { SourceText } from './source-text';
import type { Finding, Fix, LintOptions, TextEdit } from './types';

export { ShellcheckUnavailable } from './shellcheck-process';

export interface ShellcheckOptions extends LintOptions, ShellcheckProcessOptions {}

const nonPosix = /^(pwsh|powershell|cmd)(\.exe)?$/i;
const shellNames = /^(sh|bash|dash|ash|ksh|busybox)$/;

/** What ShellCheck is to check in one document, and how its comments become findings there. */
export interface ShellcheckScripts {
  /** One shell script per RUN script (header, body, data heredocs), as ShellCheck reads it. */
  readonly texts: readonly string[];
  /** Findings from ShellCheck's comments, one list per text (policy and pragmas applied). */
  findings(comments: readonly (readonly ShellcheckComment[])[]): Finding[];
}

/** Only what mapping back needs: the RUN analyses it came from can be let go. */
interface Job {
  readonly source: SourceText;
  /** Where findings in the exported-names header land: the RUN keyword. */
  readonly keywordRange: Range;
  /** Lines ShellCheck sees before the first line of `body`. */
  readonly headerLines: number;
  /** Offset in the script's source text where the checked body starts. */
  readonly bodyBase: number;
  /** Offsets of the body's line starts, relative to bodyBase. */
  readonly lineStarts: readonly number[];
}

const NONE: ShellcheckScripts = { texts: [], findings: () => [] };

export function shellcheckScripts(ast: DockerfileAst, options: LintOptions = {}): ShellcheckScripts {
  const facts = factsOf(ast, undefined, options.baseImages);
  if (facts.runs.length === 0) return NONE;
  const policy = new Policy(ast, options);
  if (policy.pragmas.shell && nonPosix.test(path.basename(policy.pragmas.shell))) return NONE;
  const shells = stageShells(ast, facts);
  const jobs: Job[] = [];
  const texts: string[] = [];
  for (const run of facts.runs) {
    const shell = shells.get(run.run) ?? '/bin/sh';
    if (nonPosix.test(path.basename(shell))) continue;
    let exports: string | null = null;
    for (const script of run.scripts) {
      if (script.kind === 'exec') continue;
      const text = script.source.text;
      let shebang = `#!${shell}\n`;
      let bodyBase = 0;
      if (script.kind === 'heredoc' && text.startsWith('#!')) {
        const nl = text.indexOf('\n');
        shebang = `${nl === -1 ? text : text.slice(0, nl)}\n`;
        bodyBase = nl === -1 ? text.length : nl + 1;
      }
      if (!shellNames.test(path.basename(shebang.slice(2).trim().split(/\s+/).pop() ?? ''))) continue;
      exports ??= exportedNames(facts, run.outer).map((n) => `export ${n}=1\n`).join('');
      const body = text.slice(bodyBase);
      const lineStarts = [0];
      for (let k = 0; k < body.length; k++) if (body.charCodeAt(k) === 10) lineStarts.push(k + 1);
      const header = shebang + exports;
      // Data heredocs follow the command line so ShellCheck sees them terminated; findings in them are dropped.
      const data = script.kind === 'command' ? run.dataHeredocs.map((h) => `${h.content}${h.name}\n`).join('') : '';
      texts.push(header + body + (body.endsWith('\n') ? '' : '\n') + data);
      jobs.push({ source: script.source, keywordRange: run.run.keywordToken.range, headerLines: header.split('\n').length - 1, bodyBase, lineStarts });
    }
  }
  if (jobs.length === 0) return NONE;
  return {
    texts,
    findings(comments) {
      const findings: Finding[] = [];
      for (let k = 0; k < jobs.length; k++) {
        const job = jobs[k];
        for (const c of comments[k] ?? []) {
          const code = `SC${c.code}`;
          const sev = policy.severityFor([code], c.level);
          if (sev === 'ignore') continue;
          const range = mapRange(job, c.line, c.column, c.endLine, c.endColumn);
          if (!range) continue;
          if (policy.pragmas.suppressed([code], range)) continue;
          findings.push({ ruleId: code, severity: sev, message: c.message, range, fixes: mapFix(job, c), source: 'shellcheck' });
        }
      }
      return sortFindings(findings);
    },
  };
}

/** ShellCheck's findings for a document: its scripts through one shellcheck process. */
export async function runShellcheck(ast: DockerfileAst, options: ShellcheckOptions = {}): Promise<Finding[]> {
  const scripts = shellcheckScripts(ast, options);
  if (scripts.texts.length === 0) return [];
  return scripts.findings(await runShellcheckProcess(scripts.texts, options));
}

function offsetOf(job: Job, line: number, column: number): number | null {
  const k = line - 1 - job.headerLines;
  if (k < 0 || k >= job.lineStarts.length) return null;
  const lineStart = job.lineStarts[k];
  const lineEnd = k + 1 < job.lineStarts.length ? job.lineStarts[k + 1] - 1 : job.source.text.length - job.bodyBase;
  return job.bodyBase + Math.min(lineStart + column - 1, lineEnd);
}

/** The document range of a ShellCheck span, or null when it is outside the RUN's text (a data heredoc). */
function mapRange(job: Job, line: number, col: number, endLine: number, endCol: number): Range | null {
  const src: SourceText = job.source;
  const start = offsetOf(job, line, col);
  const end = offsetOf(job, endLine, endCol);
  if (start === null) return line - 1 < job.headerLines ? job.keywordRange : null;
  return src.rangeOf(start, end === null || end < start ? start : end);
}

function mapFix(job: Job, c: ShellcheckComment): Fix[] {
  if (!c.fix || c.fix.replacements.length === 0) return [];
  const edits: TextEdit[] = [];
  for (const r of c.fix.replacements) {
    const start = offsetOf(job, r.line, r.column);
    const end = offsetOf(job, r.endLine, r.endColumn);
    if (start === null || end === null || end < start) return [];
    const range = job.source.rangeOf(start, end);
    // Edits across a continuation would delete the line break: leave those to the user.
    if (range.start.line !== range.end.line) return [];
    edits.push({ range, newText: r.replacement });
  }
  return [{ title: `Apply ShellCheck's fix for SC${c.code}`, edits }];
}

/** The shell each RUN uses: SHELL in its stage (or the stage it is built on), else the base image's
 *  Shell when known, else /bin/sh. */
function stageShells(ast: DockerfileAst, facts: Facts): Map<Instruction, string> {
  const out = new Map<Instruction, string>();
  const endShell = new Map<Stage, string>();
  for (const s of ast.stages) {
    const parent = facts.parentStage(s);
    const root = facts.roots[s.index];
    const imageShell = root?.kind === 'image' && root.facts.shell.length > 0 ? root.facts.shell[0] : undefined;
    let shell = (parent && endShell.get(parent)) ?? imageShell ?? '/bin/sh';
    for (const i of s.instructions) {
      if (i.keyword === 'SHELL' && i.json && i.json.values.length > 0) shell = i.json.values[0];
      out.set(i.onbuild ?? i, shell);
    }
    endShell.set(s, shell);
  }
  return out;
}

/** ARG/ENV names visible to a RUN plus the proxy args, so ShellCheck does not call them unassigned. */
function exportedNames(facts: Facts, instr: Instruction): string[] {
  const names = new Set<string>(PROXY_ARGS);
  const scope = facts.scopes.scopeBefore(instr);
  if (scope) for (const v of scope.variables()) names.add(v.name);
  for (const st of facts.scopes.stages) {
    const k = st.stage.instructions.indexOf(instr);
    if (k === -1) continue;
    for (const i of st.stage.instructions.slice(0, k)) {
      if (i.keyword === 'ARG' || i.keyword === 'ENV') for (const w of i.words) names.add(w.value.split('=')[0]);
    }
  }
  return [...names].filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)).sort();
}
