// Variable substitution for instruction arguments with BuildKit's lexer (dockerfile/expansion) and the
// legacy builder's variables: the stage's ENV, then the declared build args ENV does not override.
import { expandWord, expandWords, type Lookup } from '../../dockerfile/expansion/lexer.js';
import { InvalidError } from '../errdefs.js';
import type { StageState } from './stage-state.js';

export type EscapeChar = '\\' | '`';

/** What an instruction's arguments expand with in this stage right now. */
export function stageLookup(state: StageState): Lookup {
  const vars = new Map<string, string>();
  const env = state.runConfig.Env ?? [];
  for (const e of [...env, ...state.args.filterAllowed(env)]) {
    const i = e.indexOf('=');
    if (i > 0) vars.set(e.slice(0, i), e.slice(i + 1));
  }
  return (name) => vars.get(name);
}

export function mapLookup(vars: ReadonlyMap<string, string>): Lookup {
  return (name) => vars.get(name);
}

export function expand(word: string, lookup: Lookup, escape: EscapeChar): string {
  const r = expandWord(word, lookup, escape);
  if (!r.ok) throw new InvalidError(r.error.message);
  return r.value;
}

export function expandToWords(word: string, lookup: Lookup, escape: EscapeChar): string[] {
  const r = expandWords(word, lookup, escape);
  if (!r.ok) throw new InvalidError(r.error.message);
  return [...r.words];
}
