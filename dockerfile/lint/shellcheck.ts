// ShellCheck over every shell-form RUN (and heredoc scripts), hadolint's way, but with exact
// positions: each script is written as `#!<shell>`, `export NAME=1` for every ARG/ENV the RUN
// can see, then the command; ShellCheck's line/column (json1: tabs count as one character) is
// mapped back through the RUN's source map to the document, continuation lines included.
// One shellcheck process checks all scripts of a file.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROXY_ARGS } from '../expansion/predefined';
import type { DockerfileAst, Instruction, Range, Stage } from '../syntax/ast';
import { Facts, type RunScript } from './facts';
import { Policy, sortFindings } from './linter';
import type { SourceText } from './source-text';
import type { Finding, Fix, LintOptions, Severity, TextEdit } from './types';

export interface ShellcheckOptions extends LintOptions {
  /** `shellcheck` on PATH by default, or a path. */
  readonly executable?: string;
  readonly signal?: AbortSignal;
}

/** ShellCheck could not be run (not installed, not executable, crashed). */
export class ShellcheckUnavailable extends Error {}

// hadolint leaves these out: ash is checked as dash (2187) and `source` needs directives (1090, 1091).
const excluded = ['SC1090', 'SC1091', 'SC2187'];
const nonPosix = /^(pwsh|powershell|cmd)(\.exe)?$/i;
const shellNames = /^(sh|bash|dash|ash|ksh|busybox)$/;

interface Job {
  readonly file: string;
  readonly script: RunScript;
  readonly run: Instruction;
  /** Lines ShellCheck sees before the first line of `body`. */
  readonly headerLines: number;
  /** Offset in the script's source text where the checked body starts. */
  readonly bodyBase: number;
  /** Offsets of the body's line starts, relative to bodyBase. */
  readonly lineStarts: readonly number[];
}

export async function runShellcheck(ast: DockerfileAst, options: ShellcheckOptions = {}): Promise<Finding[]> {
  const policy = new Policy(ast, options);
  if (policy.pragmas.shell && nonPosix.test(path.basename(policy.pragmas.shell))) return [];
  const facts = new Facts(ast);
  const shells = stageShells(ast, facts);
  const jobs: Omit<Job, 'file'>[] = [];
  const texts: string[] = [];
  for (const run of facts.runs) {
    const shell = shells.get(run.run) ?? '/bin/sh';
    if (nonPosix.test(path.basename(shell))) continue;
    const exports = exportedNames(facts, run.outer).map((n) => `export ${n}=1\n`).join('');
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
      const body = text.slice(bodyBase);
      const lineStarts = [0];
      for (let k = 0; k < body.length; k++) if (body[k] === '\n') lineStarts.push(k + 1);
      const header = shebang + exports;
      // Data heredocs follow the command line so ShellCheck sees them terminated; findings in them are dropped.
      const data = script.kind === 'command' ? run.dataHeredocs.map((h) => `${h.content}${h.name}\n`).join('') : '';
      texts.push(header + body + (body.endsWith('\n') ? '' : '\n') + data);
      jobs.push({ script, run: run.run, headerLines: header.split('\n').length - 1, bodyBase, lineStarts });
    }
  }
  if (jobs.length === 0) return [];

  const dir = await scriptDir();
  try {
    const files = await Promise.all(texts.map(async (t, k) => {
      const f = path.join(dir, `run${k}.sh`);
      await writeFile(f, t);
      return f;
    }));
    const byFile = new Map<string, Job>(jobs.map((j, k) => [files[k], { ...j, file: files[k] }]));
    const out = await execShellcheck(options.executable ?? 'shellcheck', ['-f', 'json1', '-e', excluded.join(','), ...files], dir, options.signal);
    const findings: Finding[] = [];
    for (const c of out) {
      const job = byFile.get(path.resolve(dir, c.file));
      if (!job) continue;
      const code = `SC${c.code}`;
      const sev = policy.severityFor([code], c.level);
      if (sev === 'ignore') continue;
      const range = mapRange(job, c.line, c.column, c.endLine, c.endColumn);
      if (!range) continue;
      if (policy.pragmas.suppressed([code], range)) continue;
      findings.push({ ruleId: code, severity: sev, message: c.message, range, fixes: mapFix(job, c), source: 'shellcheck' });
    }
    return sortFindings(findings);
  } finally {
    await rm(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  }
}

/**
 * The folders of runs still in progress. A process that exits meanwhile (the language server on
 * the client's exit notification) never reaches the runs' `finally`, so they go at exit.
 */
const liveDirs = new Set<string>();

async function scriptDir(): Promise<string> {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => {
      for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-shellcheck-'));
  liveDirs.add(dir);
  return dir;
}

let exitHooked = false;

interface ShellcheckComment {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  readonly column: number;
  readonly endColumn: number;
  readonly level: Severity;
  readonly code: number;
  readonly message: string;
  readonly fix: { readonly replacements: readonly { line: number; endLine: number; column: number; endColumn: number; replacement: string }[] } | null;
}

/** A ShellCheck that hangs must not hold its scripts (and an editor's findings) forever. */
const RUN_TIMEOUT_MS = 120_000;

function execShellcheck(exe: string, args: string[], cwd: string, signal?: AbortSignal): Promise<ShellcheckComment[]> {
  return new Promise((resolve, reject) => {
    execFile(exe, args, { cwd, signal, maxBuffer: 64 * 1024 * 1024, timeout: RUN_TIMEOUT_MS }, (err, stdout, stderr) => {
      // Exit status 1 just means "found something".
      const code = (err as NodeJS.ErrnoException & { code?: unknown } | null)?.code;
      if (err && (err.name === 'AbortError' || signal?.aborted)) return reject(err);
      const killedBy = (err as { signal?: string | null } | null)?.signal;
      if (killedBy) return reject(new ShellcheckUnavailable(`ShellCheck ("${exe}") was ended by ${killedBy}${(err as { killed?: boolean }).killed ? ` after ${RUN_TIMEOUT_MS / 1000} s` : ''}`));
      if (err && typeof code === 'string') {
        return reject(new ShellcheckUnavailable(code === 'ENOENT'
          ? `ShellCheck was not found as "${exe}": install shellcheck (apt-get install shellcheck) or give its path`
          : `ShellCheck could not be started as "${exe}": ${err.message}`));
      }
      try {
        const parsed = JSON.parse(stdout) as { comments: ShellcheckComment[] };
        resolve(parsed.comments);
      } catch {
        reject(new ShellcheckUnavailable(`ShellCheck ("${exe}") gave no readable output${stderr ? `: ${stderr.trim().split('\n')[0]}` : ''}`));
      }
    });
  });
}

function offsetOf(job: Job, line: number, column: number): number | null {
  const k = line - 1 - job.headerLines;
  if (k < 0 || k >= job.lineStarts.length) return null;
  const lineStart = job.lineStarts[k];
  const lineEnd = k + 1 < job.lineStarts.length ? job.lineStarts[k + 1] - 1 : job.script.source.text.length - job.bodyBase;
  return job.bodyBase + Math.min(lineStart + column - 1, lineEnd);
}

/** The document range of a ShellCheck span, or null when it is outside the RUN's text (a data heredoc). */
function mapRange(job: Job, line: number, col: number, endLine: number, endCol: number): Range | null {
  const src: SourceText = job.script.source;
  const start = offsetOf(job, line, col);
  const end = offsetOf(job, endLine, endCol);
  if (start === null) return line - 1 < job.headerLines ? job.run.keywordToken.range : null;
  return src.rangeOf(start, end === null || end < start ? start : end);
}

function mapFix(job: Job, c: ShellcheckComment): Fix[] {
  if (!c.fix || c.fix.replacements.length === 0) return [];
  const edits: TextEdit[] = [];
  for (const r of c.fix.replacements) {
    const start = offsetOf(job, r.line, r.column);
    const end = offsetOf(job, r.endLine, r.endColumn);
    if (start === null || end === null || end < start) return [];
    const range = job.script.source.rangeOf(start, end);
    // Edits across a continuation would delete the line break: leave those to the user.
    if (range.start.line !== range.end.line) return [];
    edits.push({ range, newText: r.replacement });
  }
  return [{ title: `Apply ShellCheck's fix for SC${c.code}`, edits }];
}

/** The shell each RUN uses: SHELL in its stage (or the stage it is built on), else /bin/sh. */
function stageShells(ast: DockerfileAst, facts: Facts): Map<Instruction, string> {
  const out = new Map<Instruction, string>();
  const endShell = new Map<Stage, string>();
  for (const s of ast.stages) {
    const parent = facts.parentStage(s);
    let shell = (parent && endShell.get(parent)) ?? '/bin/sh';
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
