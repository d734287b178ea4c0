// Errors the builder stops at. Most come from the parser (DockerfileAst.errors), grouped into
// one rule per kind; the rest need the whole file (stage references, image references, the
// check directive). A few parser errors are the same finding as a hadolint rule; those are
// left to that rule (claimedBy) so one problem gives one diagnostic.
import type { DockerfileAst, SyntaxError, SyntaxErrorCode } from '../../syntax/ast';
import { defineRule, fix, replace, type RuleSpec } from '../define';
import type { Fix } from '../types';
import type { Rule } from '../rule';
import { readCheckDirective } from '../suppression';
import { expansionProblems, isQuoteProblem } from './expansion-errors';
import { unquote } from '../views';
import { directiveRefusals, flagRefusals } from '../../syntax/builder-support';

/** The rule that reports a parser error itself, when it is not a BE rule. */
export function claimedBy(e: SyntaxError): string | null {
  if (e.code === 'instruction-before-from') return 'DL3061';
  if (e.code === 'empty-continuation') return 'NoEmptyContinuation';
  if (e.code === 'other' && /ONBUILD/.test(e.message) && /(trigger|Chaining)/.test(e.message)) return 'DL3043';
  if (e.code === 'other' && /^EXPOSE:/.test(e.message) && /65535/.test(e.message)) return 'DL3011';
  return null;
}

/** "did you mean X?" in a parser message becomes a fix replacing the flagged word with X. */
function didYouMean(ast: DockerfileAst, e: SyntaxError): Fix[] {
  const m = /\(did you mean (--)?([A-Za-z][\w-]*)\?\)/.exec(e.message);
  if (!m || e.range.start.line !== e.range.end.line) return [];
  const written = (ast.lines[e.range.start.line] ?? '').slice(e.range.start.character, e.range.end.character);
  let to = written.startsWith('--') ? `--${m[2]}` : m[2];
  if (e.code === 'unknown-instruction' && written === written.toLowerCase()) to = to.toLowerCase();
  return [fix(`Change to ${to}`, [replace(e.range, to)], true)];
}

function fromParser(code: SyntaxErrorCode, spec: Omit<RuleSpec, 'check' | 'origin' | 'severity'>, extra?: RuleSpec['check']): Rule {
  return defineRule({
    ...spec,
    origin: 'builder',
    severity: 'error',
    check(ctx, self) {
      for (const e of ctx.ast.errors) {
        if (e.code === code && claimedBy(e) === null) ctx.report(self, e.range, e.message, didYouMean(ctx.ast, e));
      }
      extra?.(ctx, self);
    },
  });
}

const suppressNote = 'The build fails on this line whatever the linter settings say; suppressing it only hides the message.';

export const BE0001 = fromParser('unknown-instruction', {
  id: 'BE0001',
  aliases: ['DL1000'],
  title: 'Unknown instruction',
  message: 'Unknown instruction',
  doc: {
    what: 'A line starts with a word that is not a Dockerfile instruction (often a typo, or a shell line that lost its `\\` continuation).',
    why: `The builder stops with "unknown instruction". ${suppressNote}`,
    bad: 'FROM debian:12\nRUNN apt-get update\n',
    good: 'FROM debian:12\nRUN apt-get update\n',
    fix: 'When the word is close to an instruction, replaces it with that instruction ("did you mean").',
  },
});

export const BE0002 = fromParser('missing-arguments', {
  id: 'BE0002',
  aliases: ['DL1000'],
  title: 'Wrong number of arguments',
  message: 'Wrong number of arguments',
  doc: {
    what: 'An instruction has no arguments, or not the number it needs (`FROM` takes one or three, `COPY` at least two, `ENV key` needs a value …).',
    why: `The builder rejects the instruction. ${suppressNote}`,
    bad: 'FROM debian:12\nCOPY app.py\n',
    good: 'FROM debian:12\nCOPY app.py /app/\n',
  },
});

export const BE0003 = fromParser('bad-flag', {
  id: 'BE0003',
  aliases: ['DL1000'],
  title: 'Unknown flag or bad flag value',
  message: 'Unknown flag or bad flag value',
  doc: {
    what: 'An instruction has a flag it does not know (`RUN --mont`), a flag twice, or a value the builder cannot read: RUN `--mount` options, `--network` (default, none, host), `--security` (sandbox, insecure), durations and retries of HEALTHCHECK, booleans of `--link`/`--parents`, `--chmod`.',
    why: `The builder rejects the instruction. ${suppressNote}`,
    bad: 'FROM debian:12\nRUN --mont=type=cache,target=/root/.cache make\n',
    good: 'FROM debian:12\nRUN --mount=type=cache,target=/root/.cache make\n',
    fix: 'For a misspelt flag name, replaces it with the flag it is close to.',
  },
});

export const BE0004 = fromParser('bad-directive', {
  id: 'BE0004',
  aliases: ['DL1000'],
  title: 'Bad parser directive',
  message: 'Bad parser directive',
  doc: {
    what: 'A parser directive at the top of the file is wrong: `escape` other than `\\` or `` ` ``, a directive given twice, or a `check` directive BuildKit cannot read (unknown key, non-boolean `error`).',
    why: 'A bad escape directive stops the build; a bad `check` directive is ignored as a whole by BuildKit, so none of its skips apply.',
    bad: '# escape=/\nFROM debian:12\n',
    good: '# escape=`\nFROM debian:12\n',
  },
}, (ctx, self) => {
  const check = readCheckDirective(ctx.ast);
  if (check?.problem) ctx.report(self, check.range, `${check.problem}; BuildKit ignores the whole check directive`);
});

export const BE0005 = fromParser('unterminated-heredoc', {
  id: 'BE0005',
  aliases: ['DL1000'],
  title: 'Unterminated heredoc',
  message: 'Unterminated heredoc',
  doc: {
    what: 'A heredoc (`<<EOF`) has no line with its terminator before the end of the file.',
    why: `Everything after the marker becomes part of the heredoc and the build fails. ${suppressNote}`,
    bad: 'FROM debian:12\nRUN <<EOF\necho hello\n',
    good: 'FROM debian:12\nRUN <<EOF\necho hello\nEOF\n',
  },
});

export const BE0006 = fromParser('unterminated-quote', {
  id: 'BE0006',
  aliases: ['DL1000'],
  title: 'Unterminated quote',
  message: 'Unterminated quote',
  doc: {
    what: 'A quote in ENV, LABEL, ARG or another expanded argument is never closed.',
    why: `The builder cannot split the arguments and stops. ${suppressNote}`,
    bad: 'FROM debian:12\nENV GREETING="hello\n',
    good: 'FROM debian:12\nENV GREETING="hello"\n',
  },
}, (ctx, self) => {
  for (const p of expansionProblems(ctx)) if (isQuoteProblem(p)) ctx.report(self, p.range, p.message);
});

export const BE0007 = fromParser('bad-json', {
  id: 'BE0007',
  aliases: ['DL1000'],
  title: 'Bad JSON form',
  message: 'Bad JSON form',
  doc: {
    what: 'Arguments that must be a JSON array of strings are not (SHELL), or a JSON array contains something other than strings.',
    why: `The builder rejects the instruction. ${suppressNote}`,
    bad: 'FROM debian:12\nSHELL /bin/bash -c\n',
    good: 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\n',
  },
});

export const BE0008 = fromParser('other', {
  id: 'BE0008',
  aliases: ['DL1000'],
  title: 'Invalid instruction arguments',
  message: 'Invalid instruction arguments',
  doc: {
    what: 'Arguments the builder rejects that are not covered by a more specific rule: an invalid stage name, `ENV`/`LABEL` pairs without `=`, blank names, an unknown signal in STOPSIGNAL, a bad EXPOSE port or protocol, a bad HEALTHCHECK type, an empty VOLUME, a file with no instructions.',
    why: `The builder rejects the instruction. ${suppressNote}`,
    bad: 'FROM debian:12 AS 1st\n',
    good: 'FROM debian:12 AS first\n',
  },
});

export const BE0009 = defineRule({
  id: 'BE0009',
  origin: 'builder',
  severity: 'error',
  title: '--from refers to a stage that is not built before',
  message: '--from refers to a stage that is not built before this one',
  doc: {
    what: '`COPY --from=<n>` (or `RUN --mount=from=<n>`) uses a stage number that is not an earlier stage.',
    why: 'Stage numbers count from 0 in file order; a number at or after the current stage has nothing to copy from yet and the build fails.',
    bad: 'FROM debian:12\nCOPY --from=3 /etc/hosts /tmp/\n',
    good: 'FROM debian:12 AS base\nFROM debian:12\nCOPY --from=0 /etc/hosts /tmp/\n',
  },
  check(ctx, self) {
    for (const s of ctx.ast.stages) {
      for (const i of s.instructions) {
        for (const f of (i.onbuild ?? i).flags) {
          if (f.name.toLowerCase() !== 'from' || !f.value || !f.valueRange) continue;
          const v = unquote(f.value);
          if (!/^\d+$/.test(v)) continue;
          const n = Number(v);
          // Its own index is DL3023's finding.
          if (n > s.index) ctx.report(self, f.valueRange, `--from=${n} refers to stage ${n}, which is not built before this stage (stage ${s.index})`);
        }
      }
    }
  },
});

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const hostRe = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

/** Why `ref` is not a valid image reference (Docker's grammar), or null when it is. */
export function referenceProblem(ref: string): string | null {
  if (ref === '') return 'the image name is empty';
  let rest = ref;
  const at = rest.indexOf('@');
  if (at !== -1) {
    if (!digestRe.test(rest.slice(at + 1))) return `"${rest.slice(at + 1)}" is not a valid digest`;
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  let path = rest;
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      if (!hostRe.test(first)) return `"${first}" is not a valid registry host`;
      path = rest.slice(slash + 1);
    }
  }
  const lastSlash = path.lastIndexOf('/');
  const colon = path.lastIndexOf(':');
  if (colon > lastSlash) {
    const tag = path.slice(colon + 1);
    if (!tagRe.test(tag)) return `"${tag}" is not a valid tag`;
    path = path.slice(0, colon);
  }
  for (const c of path.split('/')) {
    if (!pathComponent.test(c)) {
      return c !== c.toLowerCase() ? `repository name "${path}" must be lowercase` : `"${c}" is not a valid repository name component`;
    }
  }
  return null;
}

export const BE0010 = defineRule({
  id: 'BE0010',
  aliases: ['DL1000'],
  origin: 'builder',
  severity: 'error',
  title: 'Invalid image reference',
  message: 'Invalid image reference',
  doc: {
    what: 'FROM names an image that is not a valid reference: uppercase letters in the repository, a bad tag or digest, stray characters; or `COPY --from=` names neither a stage nor a valid image. Images given by variables are checked by the builder after expansion, not here.',
    why: 'The builder fails with "invalid reference format" before pulling anything.',
    bad: 'FROM Debian:12\n',
    good: 'FROM debian:12\n',
  },
  check(ctx, self) {
    for (const s of ctx.ast.stages) {
      if (!s.base) continue;
      const v = unquote(s.base.value);
      if (v.includes('$') || v === 'scratch') continue;
      if (ctx.ast.stages.some((o) => o.index < s.index && o.name && o.name.value.toLowerCase() === v.toLowerCase())) continue;
      const problem = referenceProblem(v);
      if (problem) ctx.report(self, s.base.range, `Invalid image reference "${v}": ${problem}`);
    }
    // `--from=` that names no stage is pulled as an image, so it has to be a valid reference.
    for (const i of ctx.ast.instructions) {
      const e = i.onbuild ?? i;
      if (e.keyword !== 'COPY') continue;
      const f = e.flags.find((x) => x.name.toLowerCase() === 'from');
      if (!f?.value || !f.valueRange) continue;
      const v = unquote(f.value);
      if (v.includes('$') || /^\d+$/.test(v) || v === 'context' || ctx.facts.stageByName(v)) continue;
      const problem = referenceProblem(v);
      if (problem) ctx.report(self, f.valueRange, `--from=${v} names no stage and is not a valid image reference: ${problem}`);
    }
  },
});

export const BE0012 = defineRule({
  id: 'BE0012',
  origin: 'builder',
  severity: 'error',
  title: 'Not supported by the bundled builder',
  message: 'Not supported by the bundled builder',
  doc: {
    what: 'BuildKit syntax that Berth\'s bundled builder refuses: a `# syntax=` frontend other than docker/dockerfile, `RUN --device`, `RUN --security=insecure` (refused unless the engine was started with `--allow-insecure-entitlement security.insecure`; Docker Engine refuses it by default too).',
    why: 'The bundled engine fails the build at this line with the same message. Docker Engine or another BuildKit may build it.',
    bad: '# syntax=example.com/custom-frontend:1\nFROM debian:12\nRUN --security=insecure mount -t tmpfs none /mnt\n',
    good: '# syntax=docker/dockerfile:1\nFROM debian:12\nRUN --mount=type=tmpfs,target=/mnt ls /mnt\n',
  },
  check(ctx, self) {
    for (const r of directiveRefusals(ctx.ast.directives)) ctx.report(self, r.range, r.message);
    for (const i of ctx.ast.instructions) {
      for (const r of flagRefusals(i.onbuild ?? i)) ctx.report(self, r.range, r.message);
    }
  },
});

export const builderRules = [BE0001, BE0002, BE0003, BE0004, BE0005, BE0006, BE0007, BE0008, BE0009, BE0010, BE0012];
