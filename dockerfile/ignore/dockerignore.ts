// .dockerignore as Docker reads and applies it (docker/cli's ReadAll + moby/patternmatcher):
// - a line starting with `#` in column 0 is a comment; other lines are trimmed, empty ones dropped;
// - `!` makes an exception; patterns are cleaned like Go's filepath.Clean, a leading `/` dropped;
// - `*` and `?` never cross `/`; `**` crosses any number of folders; `[...]` classes; `\` escapes;
// - a path is excluded when the last pattern matching it or one of its parent folders says so.
import * as posix from 'node:path/posix';
import { filepathPatternError } from '../glob/filepath-match';

export interface DockerignorePattern {
  /** The cleaned pattern without `!`. */
  readonly pattern: string;
  /** A `!` line: brings matching paths back. */
  readonly exclusion: boolean;
  /** 0-based line in the .dockerignore. */
  readonly line: number;
}

export interface DockerignoreProblem {
  readonly line: number;
  readonly message: string;
}

export interface ParsedDockerignore {
  readonly patterns: readonly DockerignorePattern[];
  /** Patterns Docker refuses (`!` alone, a bad `[` class); Docker fails the build on them. */
  readonly errors: readonly DockerignoreProblem[];
}

/** Go's filepath.Clean for slash paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  let out = posix.normalize(p);
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

class Pattern {
  readonly kind: MatchKind;
  readonly regexp: RegExp | null;
  readonly dirs: readonly string[];

  constructor(readonly text: string, readonly exclusion: boolean) {
    this.dirs = text.split('/');
    const { kind, source } = compile(text);
    let regexp: RegExp | null = null;
    if (kind === 'regexp') {
      try {
        regexp = new RegExp(source, 'u');
      } catch {
        regexp = /(?!)/u; // parseDockerignore reports such patterns; here they match nothing
      }
    }
    this.kind = kind;
    this.regexp = regexp;
  }

  match(path: string): boolean {
    switch (this.kind) {
      case 'exact': return path === this.text;
      case 'prefix': return path.startsWith(this.text.slice(0, -2));
      case 'suffix': {
        let suffix = this.text.slice(2);
        if (suffix.startsWith('/')) suffix = suffix.slice(1);
        return path.endsWith(suffix);
      }
      case 'regexp': return this.regexp!.test(path);
    }
  }
}

const REGEX_LITERAL_ESCAPE = new Set(['.', '+', '(', ')', '|', '{', '}', '^', '$', '/']);

/** Turns a pattern into a match kind and, for 'regexp', the regex source (patternmatcher's rules). */
function compile(pattern: string): { kind: MatchKind; source: string } {
  let re = '^';
  let kind: MatchKind = 'exact';
  let inClass = false;
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (inClass) {
      // Inside `[...]` everything goes to the regex as is (Go and JS classes agree).
      if (ch === '\\' && i + 1 < chars.length) re += ch + chars[++i];
      else re += ch;
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        const atStart = i === 0;
        i++;
        if (chars[i + 1] === '/') i++;
        if (i + 1 >= chars.length) {
          // Trailing `**` matches everything below, like .gitignore.
          if (kind === 'exact') kind = 'prefix';
          else { re += '.*'; kind = 'regexp'; }
        } else {
          re += '(.*/)?';
          kind = 'regexp';
        }
        if (atStart) kind = 'suffix';
      } else {
        re += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      kind = 'regexp';
    } else if (ch === '\\') {
      if (i + 1 < chars.length) {
        // `\x` means a literal x (filepath.Match's meaning).
        const next = chars[++i];
        re += /[\\^$.*+?()[\]{}|\/]/.test(next) ? '\\' + next : next;
        kind = 'regexp';
      } else {
        re += '\\\\';
      }
    } else if (ch === '[') {
      re += ch;
      if (chars[i + 1] === '^') re += chars[++i];
      inClass = true;
      kind = 'regexp';
    } else if (ch === ']') {
      // A lone `]` is literal in Go.
      re += '\\]';
      kind = 'regexp';
    } else {
      re += REGEX_LITERAL_ESCAPE.has(ch) ? '\\' + ch : ch;
    }
  }
  return { kind, source: re + '$' };
}

/** patternmatcher turns a pattern into a regexp, which can fail where filepath.Match did not (`[z-a]`). */
function regexpProblem(p: string): string | null {
  const { kind, source } = compile(p);
  if (kind !== 'regexp') return null;
  try {
    new RegExp(source, 'u');
    return null;
  } catch {
    return 'error parsing regexp: invalid character class';
  }
}

export function parseDockerignore(text: string): ParsedDockerignore {
  const patterns: DockerignorePattern[] = [];
  const errors: DockerignoreProblem[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, line) => {
    const l = line === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    if (l.startsWith('#')) return;
    let p = l.trim();
    if (p === '') return;
    const exclusion = p.startsWith('!');
    if (exclusion) p = p.slice(1).trim();
    if (p.length > 0) {
      p = cleanPath(p);
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    }
    if (exclusion && p === '') {
      errors.push({ line, message: 'illegal exclusion pattern: "!"' });
      return;
    }
    // Docker checks each pattern by asking filepath.Match for its error, and refuses the file.
    const problem = filepathPatternError(p) ?? regexpProblem(p);
    if (problem) {
      errors.push({ line, message: `${problem} (${l.trim()})` });
      return;
    }
    patterns.push({ pattern: p, exclusion, line });
  });
  return { patterns, errors };
}

/** Decides which context paths a .dockerignore excludes. Paths are context-relative with `/`. */
export class DockerignoreMatcher {
  private readonly compiled: Pattern[];
  readonly hasExclusions: boolean;

  constructor(patterns: readonly DockerignorePattern[]) {
    this.compiled = patterns.map((p) => new Pattern(p.pattern, p.exclusion));
    this.hasExclusions = patterns.some((p) => p.exclusion);
  }

  static fromText(text: string): DockerignoreMatcher {
    return new DockerignoreMatcher(parseDockerignore(text).patterns);
  }

  /** True when `path` (or a folder above it) is excluded and no later `!` pattern brings it back. */
  excludes(path: string): boolean {
    const file = cleanPath(path.replace(/^(\.\/|\/)+/, ''));
    const parent = posix.dirname(file);
    const parentDirs = parent.split('/');
    let matched = false;
    for (const p of this.compiled) {
      // An include pattern cannot change an excluded path, nor an exception a kept one.
      if (p.exclusion !== matched) continue;
      let hit = p.match(file);
      if (!hit && parent !== '.') {
        for (let i = 0; i < parentDirs.length && !hit; i++) hit = p.match(parentDirs.slice(0, i + 1).join('/'));
      }
      if (hit) matched = !p.exclusion;
    }
    return matched;
  }

  /** For walking a context: false when nothing under an excluded folder can be brought back. */
  mayIncludeUnder(dir: string): boolean {
    const parts = cleanPath(dir.replace(/^(\.\/|\/)+/, '')).split('/');
    for (const p of this.compiled) {
      if (!p.exclusion) continue;
      if (p.text.includes('**')) return true;
      if (p.dirs.length <= parts.length) {
        // The exception names this folder or one above it: that brings the whole folder back.
        if (p.match(parts.slice(0, p.dirs.length).join('/'))) return true;
        continue;
      }
      let all = true;
      for (let i = 0; i < parts.length && all; i++) all = new Pattern(p.dirs[i], false).match(parts[i]);
      if (all) return true;
    }
    return false;
  }
}

/** The linter's DockerignoreMatcher shape: `path => excluded`. */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const m = DockerignoreMatcher.fromText(text);
  return (path) => m.excludes(path);
}
