// Keyword casing, BuildKit's way: instructions follow the file's majority case, `AS` follows `FROM`.
import type { Instruction } from '../../syntax/ast';
import { defineRule, fix, replace } from '../define';

const isLower = (s: string) => s === s.toLowerCase();
const isUpper = (s: string) => s === s.toUpperCase();

export const ConsistentInstructionCasing = defineRule({
  id: 'ConsistentInstructionCasing',
  origin: 'buildkit',
  severity: 'warning',
  title: 'Instruction keywords should use one casing',
  message: 'Instruction keywords should all be uppercase or all lowercase',
  doc: {
    what: 'An instruction keyword is mixed case (`Run`) or differs from the case most keywords in the file use.',
    why: 'Keywords are case-insensitive, but a file that mixes cases is harder to read and to search.',
    bad: 'FROM debian:12\nrun echo hello\n',
    good: 'FROM debian:12\nRUN echo hello\n',
    fix: "Rewrites the keyword in the file's majority case.",
  },
  check(ctx, self) {
    const all: Instruction[] = [];
    for (const i of ctx.ast.instructions) {
      if (!i.known) continue;
      all.push(i);
      if (i.onbuild?.known) all.push(i.onbuild);
    }
    let lower = 0;
    let upper = 0;
    for (const i of all) {
      const v = i.keywordToken.value;
      if (isLower(v)) lower++;
      else if (isUpper(v)) upper++;
    }
    const wantLower = lower > upper;
    for (const i of all) {
      const v = i.keywordToken.value;
      if (wantLower ? isLower(v) : isUpper(v)) continue;
      const want = wantLower ? v.toLowerCase() : v.toUpperCase();
      ctx.report(self, i.keywordToken.range, `Command "${v}" should match the case of the command majority (${wantLower ? 'lowercase' : 'uppercase'})`,
        [fix(`Change to ${want}`, [replace(i.keywordToken.range, want)], true)]);
    }
  },
});

export const FromAsCasing = defineRule({
  id: 'FromAsCasing',
  origin: 'buildkit',
  severity: 'warning',
  title: "The 'as' keyword should match the case of 'from'",
  message: "The 'as' keyword should match the case of the 'from' keyword",
  doc: {
    what: '`FROM image as name` (or `from image AS name`): the two keywords are written in different cases.',
    why: 'Consistent keyword case keeps the file readable; BuildKit warns about this mix.',
    bad: 'FROM debian:12 as base\n',
    good: 'FROM debian:12 AS base\n',
    fix: "Rewrites 'as' in the case of 'from'.",
  },
  check(ctx, self) {
    for (const s of ctx.ast.stages) {
      const from = s.from.keywordToken.value;
      const as = s.from.words[1];
      if (!as || as.value.toLowerCase() !== 'as') continue;
      const want = isUpper(from) ? 'AS' : isLower(from) ? 'as' : null;
      if (want === null || as.value === want) continue;
      ctx.report(self, as.range, `'${as.value}' and '${from}' keywords' casing do not match`, [fix(`Change to ${want}`, [replace(as.range, want)], true)]);
    }
  },
});

export const casingRules = [ConsistentInstructionCasing, FromAsCasing];
