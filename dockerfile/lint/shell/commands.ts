// Simple commands of a shell script, the way hadolint's rules see them: the command name, its
// arguments (redirections and leading assignments removed), and flags read hadolint's way
// (`--name[=v]` is one flag, `-abc` is three, `-` and `--` are none). Commands inside `$(…)`
// and backquotes are listed too, before the command that contains them.
import { lex, type ShellWord } from './lexer';

export type { ShellWord } from './lexer';

export interface ShellCommand {
  /** The command word's value (`apt-get`, `/usr/bin/pip3`). */
  readonly name: string;
  readonly nameWord: ShellWord;
  readonly args: readonly ShellWord[];
  /** `VAR=value` words before the command name. */
  readonly assignments: readonly ShellWord[];
  readonly start: number;
  readonly end: number;
  /** Part of a pipeline (`a | b`). */
  readonly piped: boolean;
  /** The operator that ends this command (`&&`, `;`, `|`, newline …), or null at the end. */
  readonly terminator: string | null;
}

export interface ShellScript {
  readonly text: string;
  readonly commands: readonly ShellCommand[];
  readonly hasPipe: boolean;
}

const prefixWords = new Set(['!', '{', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time']);
const closingWords = new Set(['}', 'fi', 'done', 'esac']);
const skipWholeWords = new Set(['for', 'case', 'select', 'function']);
const assignment = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

export function parseShell(text: string): ShellScript {
  const commands: ShellCommand[] = [];
  const hasPipe = collect(text, 0, commands, 0);
  return { text, commands, hasPipe };
}

function collect(text: string, base: number, out: ShellCommand[], depth: number): boolean {
  const { tokens, substitutions } = lex(text, base);
  let hasPipe = false;
  let words: ShellWord[] = [];
  let pipedIn = false;
  let skipTarget = false;
  let nested = depth < 8 ? substitutions.slice() : [];

  const flush = (terminator: string | null) => {
    const pipedOut = terminator === '|' || terminator === '|&';
    if (words.length > 0) {
      const first = words[0].start;
      const last = words[words.length - 1].end;
      // Commands in substitutions run first; list them before this one.
      if (nested.length > 0) {
        const inner = nested.filter((s) => s.start >= first && s.end <= last);
        nested = nested.filter((s) => !(s.start >= first && s.end <= last));
        for (const s of inner) {
          if (collect(text.slice(s.start - base, s.end - base), s.start, out, depth + 1)) hasPipe = true;
        }
      }
      const cmd = build(words, pipedIn || pipedOut, terminator);
      if (cmd) out.push(cmd);
    }
    words = [];
    pipedIn = pipedOut;
  };

  for (const t of tokens) {
    if (t.kind === 'word') {
      if (skipTarget) { skipTarget = false; continue; }
      words.push(t.word);
    } else if (t.kind === 'redirect') {
      skipTarget = true;
    } else {
      if (t.op === '|' || t.op === '|&') hasPipe = true;
      flush(t.op);
    }
  }
  flush(null);
  for (const s of nested) {
    if (collect(text.slice(s.start - base, s.end - base), s.start, out, depth + 1)) hasPipe = true;
  }
  return hasPipe;
}

const NO_WORDS: readonly ShellWord[] = [];

function build(words: ShellWord[], piped: boolean, terminator: string | null): ShellCommand | null {
  let k = 0;
  // Most commands have no `VAR=value` prefix: they share one empty list.
  let assignments: ShellWord[] | null = null;
  for (;;) {
    if (k >= words.length) return null;
    const w = words[k];
    if (assignment.test(w.raw)) { (assignments ??= []).push(w); k++; continue; }
    if (!w.quoted && prefixWords.has(w.value)) { k++; continue; }
    if (!w.quoted && (closingWords.has(w.value) || skipWholeWords.has(w.value))) return null;
    break;
  }
  const nameWord = words[k];
  return {
    name: nameWord.value,
    nameWord,
    args: words.slice(k + 1),
    assignments: assignments ?? NO_WORDS,
    // From the first assignment or the name: leading `if`, `!`, `then` ... are not part of the command.
    start: (assignments?.[0] ?? nameWord).start,
    end: words[words.length - 1].end,
    piped,
    terminator,
  };
}

// ---- hadolint-style argument helpers ----

export interface FlagRef {
  /** Flag name without dashes, up to any `=`. */
  readonly name: string;
  /** Index into `args` of the word that carries it. */
  readonly index: number;
  /** The word had `=value` inside it. */
  readonly inline: boolean;
}

export function flagsOf(cmd: ShellCommand): FlagRef[] {
  const out: FlagRef[] = [];
  cmd.args.forEach((w, index) => {
    const a = w.value;
    if (a === '-' || a === '--' || !a.startsWith('-')) return;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      out.push({ name: eq === -1 ? a.slice(2) : a.slice(2, eq), index, inline: eq !== -1 });
    } else {
      for (const ch of a.slice(1)) out.push({ name: ch, index, inline: false });
    }
  });
  return out;
}

export function hasFlag(cmd: ShellCommand, ...names: string[]): boolean {
  return flagsOf(cmd).some((f) => names.includes(f.name));
}

export function countFlag(cmd: ShellCommand, name: string): number {
  return flagsOf(cmd).filter((f) => f.name === name).length;
}

export function hasArg(cmd: ShellCommand, ...values: string[]): boolean {
  return cmd.args.some((w) => values.includes(w.value));
}

/** `name` matches and one of the arguments is among `args` (hadolint's cmdHasArgs). */
export function cmdHasArgs(cmd: ShellCommand, names: string | readonly string[], args: readonly string[]): boolean {
  const ok = typeof names === 'string' ? cmd.name === names : names.includes(cmd.name);
  return ok && cmd.args.some((w) => args.includes(w.value));
}

/** Arguments that are not flags, leaving out the value word after each flag in `valueFlags`. */
export function argsNoFlags(cmd: ShellCommand, valueFlags: readonly string[] = []): ShellWord[] {
  const flags = flagsOf(cmd);
  const flagWords = new Set(flags.map((f) => f.index));
  const dropped = new Set<number>();
  for (const f of flags) {
    if (f.inline || !valueFlags.includes(f.name)) continue;
    // hadolint drops the next word that is not itself a flag.
    let k = f.index + 1;
    while (k < cmd.args.length && flagWords.has(k)) k++;
    if (k < cmd.args.length) dropped.add(k);
  }
  return cmd.args.filter((_, i) => !flagWords.has(i) && !dropped.has(i));
}

/** Values of a flag (`-u 1000`, `--uid=1000`). */
export function flagValues(cmd: ShellCommand, ...names: string[]): string[] {
  const out: string[] = [];
  for (const f of flagsOf(cmd)) {
    if (!names.includes(f.name)) continue;
    const w = cmd.args[f.index].value;
    if (f.inline) out.push(w.slice(w.indexOf('=') + 1));
    else if ((w === `-${f.name}` || w === `--${f.name}`) && f.index + 1 < cmd.args.length) out.push(cmd.args[f.index + 1].value);
  }
  return out;
}

/** The base name of a command path (`/usr/bin/pip3` → `pip3`). */
export function baseName(name: string): string {
  const k = name.lastIndexOf('/');
  return k === -1 ? name : name.slice(k + 1);
}
