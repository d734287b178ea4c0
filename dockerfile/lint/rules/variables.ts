// Variables in instructions the builder expands: undefined names (as far as the file tells),
// ARGs in FROM, defaults that leave FROM without an image, expansion syntax errors.
import { expandWord } from '../../expansion/lexer';
import { PLATFORM_ARGS, PROXY_ARGS } from '../../expansion/predefined';
import type { Scope } from '../../expansion/scope';
import type { Instruction, Range, Token } from '../../syntax/ast';
import { defineRule, fix, replace } from '../define';
import type { RuleContext } from '../rule';
import type { Fix } from '../types';
import { suggest } from '../views';
import { referenceProblem } from './builder-errors';
import { expandedKeywords, expandedTokens, expansionProblems, isQuoteProblem } from './expansion-errors';

/** Where `$name` / `${name` first appears in a single-line token, else the token. */
function nameRange(tok: Token, name: string): Range {
  const r = tok.range;
  if (r.start.line !== r.end.line) return r;
  const m = new RegExp(`\\$\\{?(${name})(?![A-Za-z0-9_])`).exec(tok.value);
  if (!m) return r;
  const at = r.start.character + m.index + m[0].length - name.length;
  return { start: { line: r.start.line, character: at }, end: { line: r.start.line, character: at + name.length } };
}

function renameFix(tok: Token, name: string, to: string): Fix[] {
  const r = nameRange(tok, name);
  return r === tok.range ? [] : [fix(`Change to ${to}`, [replace(r, to)], true)];
}

export const UndefinedVar = defineRule({
  id: 'UndefinedVar',
  origin: 'buildkit',
  severity: 'warning',
  title: 'Usage of undefined variable',
  message: 'Usage of undefined variable',
  doc: {
    what: 'An instruction the builder expands (ADD, COPY, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR) uses a variable that no ARG or ENV defines before it. Without the base image the linter cannot see its ENV, so in stages built on an image it only reports names that look like a typo of a defined one; in stages built on `scratch` it reports every undefined name. When the base image is known (in the editor, when the engine Berth is connected to has it; a stage built FROM another stage needs the whole chain known), its ENV counts as defined and every other undefined name is reported, as BuildKit does when it builds. RUN, CMD and ENTRYPOINT are left to the shell, as BuildKit does.',
    why: 'An undefined variable expands to an empty string without an error, so a typo silently changes paths and values.',
    bad: 'FROM debian:12\nARG APP_VERSION=1.0\nCOPY app-$APP_VERSOIN.tar.gz /opt/\n',
    good: 'FROM debian:12\nARG APP_VERSION=1.0\nCOPY app-$APP_VERSION.tar.gz /opt/\n',
    fix: 'Replaces a likely typo with the defined name it resembles.',
  },
  check(ctx, self) {
    const scopes = ctx.facts.scopes;
    const roots = ctx.facts.roots;
    for (const st of scopes.stages) {
      // Every name is checked where the stage's whole ENV is known: scratch, or a known base image.
      const root = roots[st.stage.index];
      const complete = root !== undefined && root.kind !== 'unknown';
      st.stage.instructions.forEach((i, k) => {
        if (!expandedKeywords.has(i.keyword)) return;
        const scope: Scope = st.before[k];
        for (const tok of expandedTokens(i)) {
          const r = expandWord(tok.value, scope.lookup, ctx.ast.escapeChar);
          if (!r.ok) continue;
          for (const name of r.unresolved) {
            if (scope.isDeclaredArg(name) || name === 'PATH' || PROXY_ARGS.includes(name)) continue;
            const known = [...scope.variables().map((v) => v.name), ...scopes.global.variables().filter((v) => v.kind === 'global-arg').map((v) => v.name)];
            const close = suggest(name, known);
            if (!close && !complete) continue;
            const hint = close ? ` (did you mean $${close}?)` : '';
            ctx.report(self, nameRange(tok, name), `Usage of undefined variable "$${name}"${hint}`, close ? renameFix(tok, name, close) : []);
          }
        }
      });
    }
  },
});

function fromTokens(i: Instruction): Token[] {
  const out: Token[] = [];
  if (i.words[0]) out.push(i.words[0]);
  for (const f of i.flags) if (f.name.toLowerCase() === 'platform' && f.value !== null && f.valueRange) out.push({ value: f.value, range: f.valueRange });
  return out.filter((t) => t.value.includes('$'));
}

function globalNames(ctx: RuleContext): Set<string> {
  const names = new Set<string>(PLATFORM_ARGS);
  for (const v of ctx.facts.scopes.global.variables()) names.add(v.name);
  for (const i of ctx.ast.globalArgs) for (const w of i.words) names.add(w.value.split('=')[0]);
  return names;
}

export const UndefinedArgInFrom = defineRule({
  id: 'UndefinedArgInFrom',
  origin: 'buildkit',
  severity: 'warning',
  title: 'FROM uses an ARG that is not declared',
  message: 'FROM argument is not declared',
  doc: {
    what: 'FROM (its image or `--platform`) uses a variable that no ARG before the first FROM declares. The platform args BuildKit predefines (TARGETPLATFORM, BUILDARCH …) are fine.',
    why: 'FROM only sees ARGs declared before the first FROM; anything else expands to an empty string.',
    bad: 'ARG VERSION=12\nFROM debian:${VERSOIN}\n',
    good: 'ARG VERSION=12\nFROM debian:${VERSION}\n',
    fix: 'Replaces a likely typo with the declared ARG it resembles.',
  },
  check(ctx, self) {
    const names = globalNames(ctx);
    for (const s of ctx.ast.stages) {
      for (const tok of fromTokens(s.from)) {
        const r = expandWord(tok.value, () => '', ctx.ast.escapeChar);
        if (!r.ok) continue;
        for (const n of r.resolved) {
          if (names.has(n)) continue;
          const close = suggest(n, names);
          ctx.report(self, nameRange(tok, n), `FROM argument "${n}" is not declared${close ? ` (did you mean ${close}?)` : ''}: declare it with ARG before the first FROM`,
            close ? renameFix(tok, n, close) : []);
        }
      }
    }
  },
});

export const InvalidDefaultArgInFrom = defineRule({
  id: 'InvalidDefaultArgInFrom',
  origin: 'buildkit',
  severity: 'warning',
  title: 'ARG defaults give FROM an invalid image',
  message: 'Default value for ARG results in an empty or invalid base image name',
  doc: {
    what: 'FROM builds its image name from ARGs, and with their default values (no `--build-arg`) the name is empty or not a valid reference.',
    why: 'A plain `docker build` without build arguments then fails; give the ARG a default that works.',
    bad: 'ARG TAG\nFROM debian:${TAG}\n',
    good: 'ARG TAG=12\nFROM debian:${TAG}\n',
  },
  check(ctx, self) {
    const stageNames = new Set(ctx.ast.stages.map((s) => s.name?.value.toLowerCase()).filter((x): x is string => !!x));
    for (const st of ctx.facts.scopes.stages) {
      const img = st.stage.base;
      if (!img || !img.value.includes('$') || !st.base?.ok) continue;
      const v = st.base.value;
      if (stageNames.has(v.toLowerCase()) || v === 'scratch') continue;
      const problem = v === '' ? 'the name is empty' : referenceProblem(v);
      if (problem) ctx.report(self, img.range, `With the ARG defaults, FROM ${img.value} becomes "${v}": ${problem}`);
    }
  },
});

export const BE0011 = defineRule({
  id: 'BE0011',
  aliases: ['DL1000'],
  origin: 'builder',
  severity: 'error',
  title: 'Bad variable substitution',
  message: 'Bad variable substitution',
  doc: {
    what: 'A `${…}` expression the builder cannot read: an unsupported modifier, an unterminated brace, a bad pattern. (`${NAME:?message}` for a missing build argument is left alone: it fails only when the argument is not given.)',
    why: 'The builder stops with "failed to process" at this instruction.',
    bad: 'FROM debian:12\nARG NAME=app\nWORKDIR /srv/${NAME^^}\n',
    good: 'FROM debian:12\nARG NAME=app\nWORKDIR /srv/${NAME}\n',
  },
  check(ctx, self) {
    for (const p of expansionProblems(ctx)) if (!isQuoteProblem(p)) ctx.report(self, p.range, p.message);
  },
});

export const variableRules = [UndefinedVar, UndefinedArgInFrom, InvalidDefaultArgInFrom, BE0011];
