// The ways a Dockerfile turns findings off or up, read from its comments and directives:
//   # hadolint ignore=DL3008,SC2086        the next instruction
//   # hadolint global ignore=DL3059        the whole file
//   # hadolint stage ignore=DL3002         from here to the next FROM (hadolint's reading)
//   # check=skip=A,B;error=true;experimental=all   BuildKit's directive
// Rule names in pragmas may be ids or aliases (`FromAsCasing`, `DL3006`, `BE0003`).
import type { Comment, DockerfileAst, Range } from '../syntax/ast';

export interface Pragma {
  readonly scope: 'next' | 'global' | 'stage';
  readonly names: readonly string[];
  readonly comment: Comment;
}

export interface Pragmas {
  readonly list: readonly Pragma[];
  /** `# hadolint shell=pwsh`, the last one in the file. */
  readonly shell: string | null;
  /** True when a finding of a rule answering to one of `names` at `range` is suppressed. */
  suppressed(names: readonly string[], range: Range): boolean;
}

const pragmaRe = /^\s*hadolint\s+(?:(global|stage)\s+)?ignore\s*=\s*([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)\s*(?:#.*)?$/;
const shellRe = /^\s*hadolint\s+shell\s*=\s*(\S+)\s*(?:#.*)?$/;

export function parsePragma(text: string): { scope: Pragma['scope']; names: string[] } | null {
  const m = pragmaRe.exec(text);
  if (!m) return null;
  return { scope: (m[1] as 'global' | 'stage' | undefined) ?? 'next', names: m[2].split(',').map((s) => s.trim()) };
}

export function readPragmas(ast: DockerfileAst): Pragmas {
  const list: Pragma[] = [];
  let shell: string | null = null;
  for (const c of ast.comments) {
    const p = parsePragma(c.text);
    if (p) list.push({ ...p, comment: c });
    const s = shellRe.exec(c.text);
    if (s) shell = s[1];
  }
  if (list.length === 0) return { list, shell, suppressed: () => false };

  const global = new Set<string>();
  // Line spans [from, to] with the names they suppress.
  const spans: { from: number; to: number; names: Set<string> }[] = [];
  const fromLines = ast.stages.map((s) => s.from.startLine).sort((a, b) => a - b);
  for (const p of list) {
    const names = new Set(p.names.map((n) => n.toLowerCase()));
    const line = p.comment.range.start.line;
    if (p.scope === 'global') {
      for (const n of names) global.add(n);
    } else if (p.scope === 'next') {
      const next = ast.instructions.find((i) => i.startLine > line);
      if (next) spans.push({ from: next.startLine, to: next.endLine, names });
    } else {
      // hadolint: from the line after the pragma up to (not including) the next FROM after that line.
      const nextFrom = fromLines.find((l) => l > line + 1);
      spans.push({ from: line + 1, to: nextFrom === undefined ? Number.MAX_SAFE_INTEGER : nextFrom - 1, names });
    }
  }
  return {
    list,
    shell,
    suppressed(names, range) {
      const line = range.start.line;
      for (const n of names) {
        const key = n.toLowerCase();
        if (global.has(key)) return true;
        for (const s of spans) if (line >= s.from && line <= s.to && s.names.has(key)) return true;
      }
      return false;
    },
  };
}

export interface CheckDirective {
  /** Lower-cased names, or 'all'. */
  readonly skip: ReadonlySet<string> | 'all';
  readonly error: boolean;
  readonly experimental: ReadonlySet<string> | 'all';
  /** Set when BuildKit would reject the directive (and so apply none of it). */
  readonly problem: string | null;
  readonly range: Range;
}

/** The `# check=` directive, if the file has one. */
export function readCheckDirective(ast: DockerfileAst): CheckDirective | null {
  const d = ast.directives.find((x) => x.name === 'check');
  if (!d) return null;
  const none: CheckDirective = { skip: new Set(), error: false, experimental: new Set(), problem: null, range: d.range };
  const parts = d.value.split(';').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length > 3) return { ...none, problem: `the check directive has ${parts.length} parts; BuildKit takes at most 3 (skip, error, experimental)` };
  let skip: Set<string> | 'all' = new Set();
  let error = false;
  let experimental: Set<string> | 'all' = new Set();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq === -1) return { ...none, problem: `"${part}" in the check directive is not key=value` };
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    const list = () => {
      const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
      return names.some((n) => n.toLowerCase() === 'all') ? 'all' as const : new Set(names.map((n) => n.toLowerCase()));
    };
    if (key === 'skip') skip = list();
    else if (key === 'experimental') experimental = list();
    else if (key === 'error') {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false' && v !== '1' && v !== '0') {
        return { ...none, problem: `error=${value} in the check directive is not a boolean (true or false)` };
      }
      error = v === 'true' || v === '1';
    } else {
      return { ...none, problem: `unknown key "${key}" in the check directive (use skip, error or experimental)` };
    }
  }
  return { skip, error, experimental, problem: null, range: d.range };
}
