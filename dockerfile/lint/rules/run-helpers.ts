// Shared pieces of the RUN rules: walking every command of every RUN, ranges of commands and
// words in the document, and the edits that add a flag or append a command.
import type { Instruction, Range } from '../../syntax/ast';
import type { CommandSite, RunScript } from '../facts';
import type { ShellCommand, ShellWord } from '../shell/commands';
import type { RuleContext } from '../rule';
import type { TextEdit } from '../types';
import { insert } from '../define';

export type { CommandSite } from '../facts';

/** Every command of every RUN; with names, only commands called that (much cheaper). */
export function commandSites(ctx: RuleContext, ...names: string[]): readonly CommandSite[] {
  return names.length ? ctx.facts.sitesNamed(...names) : ctx.facts.sites;
}

export function commandRange(site: { script: RunScript; cmd: ShellCommand }): Range {
  return site.script.source.rangeOf(site.cmd.start, site.cmd.end);
}

export function wordRange(script: RunScript, w: ShellWord): Range {
  return script.source.rangeOf(w.start, w.end);
}

/** Edits can only be placed in shell-form text (exec form has JSON quoting). */
export function editable(site: { script: RunScript }): boolean {
  return site.script.kind !== 'exec';
}

/** Insert ` text` right after the word `after` (e.g. ` -y` after `install`). */
export function insertAfterWord(site: { script: RunScript }, after: ShellWord, text: string): TextEdit {
  return insert(site.script.source.positionAt(after.end), ` ${text}`);
}

/** Append ` && command` after the last command of the script. */
export function appendCommand(script: RunScript, command: string): TextEdit {
  const text = script.source.text;
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  const tail = text.slice(0, end).endsWith(';') || text.slice(0, end).endsWith('&&') ? ` ${command}` : ` && ${command}`;
  return insert(script.source.rangeOf(0, end).end, tail);
}

/** Add flags to a RUN (`--mount=…`), after the flags it already has or else after the keyword. */
export function insertRunFlags(run: Instruction, flags: readonly string[]): TextEdit {
  const last = run.flags[run.flags.length - 1];
  return insert(last ? last.range.end : run.keywordToken.range.end, ` ${flags.join(' ')}`);
}

/** The first argument word equal to one of `values`. */
export function argWord(cmd: ShellCommand, ...values: string[]): ShellWord | undefined {
  return cmd.args.find((w) => values.includes(w.value));
}
