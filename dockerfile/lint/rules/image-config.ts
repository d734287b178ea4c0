// Instructions that set the image's start-up config: CMD, ENTRYPOINT, HEALTHCHECK, MAINTAINER.
import type { DockerfileAst, Instruction, Stage } from '../../syntax/ast';
import { knownImage } from '../base-image';
import { defineRule, deleteLines, fix, replace } from '../define';
import type { Rule, RuleContext } from '../rule';
import { lex } from '../shell/lexer';
import type { Fix } from '../types';

/** The exec form of a shell-form command line: its words when it is a plain command, else `sh -c`. */
export function execFormOf(text: string): { json: string; plain: boolean } {
  const { tokens } = lex(text);
  const plain = tokens.every((t) => t.kind === 'word' && !/[$`*?[\]~]/.test(t.word.raw));
  const values = plain ? tokens.map((t) => (t.kind === 'word' ? t.word.value : '')) : ['/bin/sh', '-c', text.trim()];
  return { json: `[${values.map((v) => JSON.stringify(v)).join(', ')}]`, plain };
}

/** SHELL is set for this stage: by it, a stage it is built on, or (when known) the base image's config. */
function hasShellInstruction(ctx: RuleContext, stage: Stage | undefined): boolean {
  for (let s = stage; s; s = ctx.facts.parentStage(s)) {
    if (s.instructions.some((i) => i.keyword === 'SHELL')) return true;
  }
  return !!stage && (knownImage(ctx.facts, stage)?.facts.shell.length ?? 0) > 0;
}

export const DL3025 = defineRule({
  id: 'DL3025',
  aliases: ['JSONArgsRecommended'],
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use JSON (exec) form for CMD and ENTRYPOINT',
  message: 'Use the JSON (exec) form for CMD and ENTRYPOINT so the process gets signals',
  doc: {
    what: 'CMD or ENTRYPOINT in shell form (`CMD node server.js`). Stages (or their parents) that set SHELL are left alone, as BuildKit does; so are stages whose base image sets a Shell in its config, when the base image is known (in the editor, from the engine). BuildKit calls this check JSONArgsRecommended.',
    why: 'The shell form runs the command under `/bin/sh -c`, which becomes PID 1 and does not pass SIGTERM on: `docker stop` waits ten seconds and kills the process.',
    bad: 'FROM node:22\nCMD node server.js\n',
    good: 'FROM node:22\nCMD ["node", "server.js"]\n',
    fix: 'Rewrites the arguments as a JSON array; commands that need a shell (variables, `&&`, pipes) become `["/bin/sh", "-c", "…"]`.',
  },
  check(ctx, self) {
    for (const i of ctx.ast.instructions) {
      if ((i.keyword !== 'CMD' && i.keyword !== 'ENTRYPOINT') || i.json || !i.argsRange || i.argsText.trim() === '') continue;
      if (hasShellInstruction(ctx, ctx.ast.stages[i.stageIndex])) continue;
      const { json, plain } = execFormOf(i.argsText);
      const title = plain ? 'Convert to JSON form' : 'Convert to JSON form with /bin/sh -c';
      ctx.report(self, i.argsRange, `Use the JSON form for ${i.keyword}: ${i.keyword} ${json}`, [fix(title, [replace(i.argsRange, json)], plain)]);
    }
  },
});

/** Report every instruction of `keyword` in a stage but the last: only the last one counts. */
function multiple(ctx: RuleContext, self: Rule, keyword: string) {
  const ast: DockerfileAst = ctx.ast;
  for (const s of ast.stages) {
    const list: Instruction[] = s.instructions.filter((i) => i.keyword === keyword);
    for (let k = 1; k < list.length; k++) {
      const prev = list[k - 1];
      const fixes: Fix[] = [fix(`Remove the earlier ${keyword} on line ${prev.startLine + 1}`, [deleteLines(prev.startLine, prev.endLine)])];
      ctx.report(self, list[k].keywordToken.range,
        `Multiple ${keyword} instructions in one stage: only the last one takes effect (the one on line ${prev.startLine + 1} is ignored)`, fixes);
    }
  }
}

export const DL4003 = defineRule({
  id: 'DL4003',
  aliases: ['MultipleInstructionsDisallowed'],
  origin: 'hadolint',
  severity: 'warning',
  title: 'Multiple CMD instructions',
  message: 'Multiple CMD instructions: only the last one takes effect',
  doc: {
    what: 'A stage has more than one CMD. Reported on each CMD after the first. BuildKit calls this check MultipleInstructionsDisallowed.',
    why: 'Only the last CMD of a stage is used; the others are dead code that misleads readers.',
    bad: 'FROM node:22\nCMD ["node", "a.js"]\nCMD ["node", "b.js"]\n',
    good: 'FROM node:22\nCMD ["node", "b.js"]\n',
    fix: 'Removes the earlier CMD.',
  },
  check: (ctx, self) => multiple(ctx, self, 'CMD'),
});

export const DL4004 = defineRule({
  id: 'DL4004',
  aliases: ['MultipleInstructionsDisallowed'],
  origin: 'hadolint',
  severity: 'error',
  title: 'Multiple ENTRYPOINT instructions',
  message: 'Multiple ENTRYPOINT instructions: only the last one takes effect',
  doc: {
    what: 'A stage has more than one ENTRYPOINT. Reported on each ENTRYPOINT after the first. BuildKit calls this check MultipleInstructionsDisallowed.',
    why: 'Only the last ENTRYPOINT of a stage is used.',
    bad: 'FROM node:22\nENTRYPOINT ["node"]\nENTRYPOINT ["npm"]\n',
    good: 'FROM node:22\nENTRYPOINT ["npm"]\n',
    fix: 'Removes the earlier ENTRYPOINT.',
  },
  check: (ctx, self) => multiple(ctx, self, 'ENTRYPOINT'),
});

export const DL3012 = defineRule({
  id: 'DL3012',
  aliases: ['MultipleInstructionsDisallowed'],
  origin: 'hadolint',
  severity: 'error',
  title: 'Multiple HEALTHCHECK instructions',
  message: 'Multiple HEALTHCHECK instructions: only the last one takes effect',
  doc: {
    what: 'A stage has more than one HEALTHCHECK. Reported on each HEALTHCHECK after the first. BuildKit calls this check MultipleInstructionsDisallowed.',
    why: 'Only the last HEALTHCHECK of a stage is used.',
    bad: 'FROM nginx:1.27\nHEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\nHEALTHCHECK CMD ["wget", "-q", "http://localhost/"]\n',
    good: 'FROM nginx:1.27\nHEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\n',
    fix: 'Removes the earlier HEALTHCHECK.',
  },
  check: (ctx, self) => multiple(ctx, self, 'HEALTHCHECK'),
});

export const DL3057 = defineRule({
  id: 'DL3057',
  origin: 'hadolint',
  severity: 'ignore',
  title: 'HEALTHCHECK instruction missing',
  message: 'HEALTHCHECK instruction missing',
  doc: {
    what: 'A stage has no HEALTHCHECK, and neither has the stage it is built on. Off by default; turn it on with a severity in the settings or `override` in `.hadolint.yaml`.',
    why: 'Without a health check the engine only knows whether the process runs, not whether it answers.',
    bad: 'FROM nginx:1.27\n',
    good: 'FROM nginx:1.27\nHEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\n',
    exampleOptions: { severityOverrides: { DL3057: 'info' } },
  },
  check(ctx, self) {
    const good = new Set<number>();
    for (const s of ctx.ast.stages) {
      const parent = ctx.facts.parentStage(s);
      if ((parent && good.has(parent.index)) || s.instructions.some((i) => i.keyword === 'HEALTHCHECK')) good.add(s.index);
    }
    // A stage that only feeds later ones (used as a base) is fine if a descendant has the check.
    for (let k = ctx.ast.stages.length - 1; k >= 0; k--) {
      const s = ctx.ast.stages[k];
      if (good.has(s.index)) continue;
      const child = ctx.ast.stages.find((c) => ctx.facts.parentStage(c) === s && good.has(c.index));
      if (child) good.add(s.index);
    }
    for (const s of ctx.ast.stages) if (!good.has(s.index)) ctx.report(self, s.from.keywordToken.range);
  },
});

export const DL4000 = defineRule({
  id: 'DL4000',
  aliases: ['MaintainerDeprecated'],
  origin: 'hadolint',
  severity: 'error',
  title: 'MAINTAINER is deprecated',
  message: 'MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=…',
  doc: {
    what: 'The MAINTAINER instruction. BuildKit calls this check MaintainerDeprecated.',
    why: 'MAINTAINER has been deprecated since Docker 1.13; a label carries the same information where tools look for it.',
    bad: 'FROM debian:12\nMAINTAINER Jane Doe <jane@example.com>\n',
    good: 'FROM debian:12\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n',
    fix: 'Replaces it with `LABEL org.opencontainers.image.authors="…"`.',
  },
  check(ctx, self) {
    for (const i of ctx.ast.instructions) {
      if (i.keyword !== 'MAINTAINER') continue;
      const who = i.argsText.trim().replace(/^"(.*)"$/, '$1');
      const label = `LABEL org.opencontainers.image.authors="${who.replace(/(["\\])/g, '\\$1')}"`;
      const fixes = i.startLine === i.endLine ? [fix('Replace with LABEL org.opencontainers.image.authors', [replace(i.range, label)], true)] : [];
      ctx.report(self, i.keywordToken.range, undefined, fixes);
    }
  },
});

export const imageConfigRules = [DL3025, DL4003, DL4004, DL3012, DL3057, DL4000];
