// Every place the builder's variable expansion fails (ARG defaults, ENV, and the other
// instructions it expands), computed once per lint. BE0006 takes the unterminated quotes,
// BE0011 the rest; `${X:?}` for a missing build argument is not an error until build time.
import { expandWord } from '../../expansion/lexer';
import type { Instruction, Range, Token } from '../../syntax/ast';
import type { RuleContext } from '../rule';

export interface ExpansionProblem {
  readonly range: Range;
  readonly message: string;
  readonly reason: string;
}

const wholeArgs = new Set(['WORKDIR', 'USER', 'STOPSIGNAL']);

export const expandedKeywords = new Set(['ADD', 'COPY', 'ENV', 'EXPOSE', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** The tokens of an instruction the builder runs through variable expansion. */
export function expandedTokens(i: Instruction): Token[] {
  const out: Token[] = [];
  if (i.json) i.json.values.forEach((v, k) => out.push({ value: JSON.stringify(v).slice(1, -1), range: i.json!.ranges[k] }));
  // These take their whole argument text as one word.
  else if (wholeArgs.has(i.keyword) && i.argsRange) out.push({ value: i.argsText.trim(), range: i.argsRange });
  else out.push(...i.words);
  if (i.keyword === 'COPY' || i.keyword === 'ADD') {
    for (const f of i.flags) {
      if (f.value !== null && f.valueRange && ['chown', 'chmod', 'from'].includes(f.name.toLowerCase())) out.push({ value: f.value, range: f.valueRange });
    }
  }
  return out.filter((t) => /[$"'\\`]/.test(t.value));
}

const cache = new WeakMap<object, ExpansionProblem[]>();

export function expansionProblems(ctx: RuleContext): ExpansionProblem[] {
  const hit = cache.get(ctx.facts);
  if (hit) return hit;
  const out: ExpansionProblem[] = [];
  const seen = new Set<string>();
  // `${X:?msg}` fails only when X is unset at build time: with every name set it expands.
  const onlyUnsetCheck = (word: string) => /\$\{[A-Za-z_][A-Za-z0-9_]*:?\?/.test(word) && expandWord(word, () => 'x', ctx.ast.escapeChar).ok;
  const add = (range: Range, message: string, reason: string, word: string | null) => {
    if (/is not allowed to be unset/.test(reason) || (word !== null && onlyUnsetCheck(word))) return;
    const key = `${range.start.line}:${range.start.character}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ range, message, reason });
  };
  const scopes = ctx.facts.scopes;
  for (const e of scopes.errors) {
    const word = /^failed to process "((?:[^"\\]|\\.)*)": /.exec(e.message);
    add(e.range, e.message, e.message.replace(/^failed to process "(?:[^"\\]|\\.)*": /, ''), word ? word[1] : null);
  }
  for (const st of scopes.stages) {
    st.stage.instructions.forEach((i, k) => {
      if (!expandedKeywords.has(i.keyword) || i.keyword === 'ENV') return;
      for (const tok of expandedTokens(i)) {
        const r = expandWord(tok.value, st.before[k].lookup, ctx.ast.escapeChar);
        if (!r.ok) add(tok.range, r.error.message, r.error.reason, tok.value);
      }
    });
  }
  cache.set(ctx.facts, out);
  return out;
}

export const isQuoteProblem = (p: ExpansionProblem) => /matching (single|double)-quote/.test(p.reason);
