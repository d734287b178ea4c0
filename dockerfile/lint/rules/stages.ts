// Stages: names (unique, not reserved), COPY --from references, what may start a file, ONBUILD.
import { defineRule, fix, replace } from '../define';
import { unquote } from '../views';

export const DL3024 = defineRule({
  id: 'DL3024',
  aliases: ['DuplicateStageName'],
  origin: 'hadolint',
  severity: 'error',
  title: 'Stage names must be unique',
  message: 'FROM aliases (stage names) must be unique',
  doc: {
    what: 'Two FROM instructions use the same stage name (compared without case, as the builder does). BuildKit calls this check DuplicateStageName.',
    why: 'References to the name (`COPY --from`, `FROM name`, `--target`) become ambiguous; the classic builder rejects the file.',
    bad: 'FROM golang:1.23 AS build\nFROM node:22 AS build\n',
    good: 'FROM golang:1.23 AS build-go\nFROM node:22 AS build-web\n',
  },
  check(ctx, self) {
    const seen = new Map<string, number>();
    for (const s of ctx.ast.stages) {
      if (!s.name) continue;
      const key = s.name.value.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) ctx.report(self, s.name.range, `Duplicate stage name "${s.name.value}" (first used on line ${first + 1}): stage names must be unique`);
      else seen.set(key, s.name.range.start.line);
    }
  },
});

export const DL3063 = defineRule({
  id: 'DL3063',
  aliases: ['ReservedStageName'],
  origin: 'hadolint',
  severity: 'warning',
  title: 'Stage name is a reserved word',
  message: 'Stage name should not be a reserved word (scratch, context)',
  doc: {
    what: 'A stage is named `scratch` or `context`. BuildKit calls this check ReservedStageName.',
    why: '`scratch` already means the empty image and `context` names the build context in `COPY --from`/`--mount from=`; a stage with either name shadows them.',
    bad: 'FROM debian:12 AS scratch\n',
    good: 'FROM debian:12 AS base\n',
  },
  check(ctx, self) {
    for (const s of ctx.ast.stages) {
      const n = s.name?.value.toLowerCase();
      if (n === 'scratch' || n === 'context') ctx.report(self, s.name!.range, `"${s.name!.value}" is reserved and should not be used as a stage name`);
    }
  },
});

export const DL3022 = defineRule({
  id: 'DL3022',
  origin: 'hadolint',
  severity: 'warning',
  title: 'COPY --from should reference a defined stage',
  message: '`COPY --from` should reference a previously defined FROM alias',
  doc: {
    what: '`COPY --from=<name>` where `<name>` is not the name of an earlier stage, not a stage number, and does not look like an image reference (no `:`).',
    why: 'An unknown name is taken as an image to pull, which is rarely what a typo meant.',
    bad: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM debian:12\nCOPY --from=biuld /app /app\n',
    good: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM debian:12\nCOPY --from=build /app /app\n',
  },
  check(ctx, self) {
    const names = new Set<string>();
    for (const s of ctx.ast.stages) {
      for (const i of s.instructions) {
        if (i.keyword !== 'COPY') continue;
        const f = i.flags.find((x) => x.name.toLowerCase() === 'from');
        if (!f?.value || !f.valueRange) continue;
        const v = unquote(f.value);
        if (v.includes(':') || v.includes('$') || names.has(v.toLowerCase())) continue;
        if (/^\d+$/.test(v) && Number(v) < s.index) continue;
        const later = ctx.facts.stageByName(v);
        const hint = later && later.index >= s.index ? ` (stage "${later.name!.value}" is defined later)` : '';
        ctx.report(self, f.valueRange, `\`COPY --from=${v}\` does not name an earlier stage${hint}`);
      }
      if (s.name) names.add(s.name.value.toLowerCase());
    }
  },
});

export const DL3023 = defineRule({
  id: 'DL3023',
  origin: 'hadolint',
  severity: 'error',
  title: 'COPY --from cannot reference its own stage',
  message: '`COPY --from` cannot reference its own FROM alias',
  doc: {
    what: '`COPY --from=<name>` inside the stage called `<name>` (or its own stage number).',
    why: 'A stage cannot copy from itself: the builder reports a circular dependency.',
    bad: 'FROM debian:12 AS app\nCOPY --from=app /etc/hosts /tmp/hosts\n',
    good: 'FROM debian:12 AS base\nFROM debian:12 AS app\nCOPY --from=base /etc/hosts /tmp/hosts\n',
  },
  check(ctx, self) {
    for (const s of ctx.ast.stages) {
      for (const i of s.instructions) {
        if (i.keyword !== 'COPY') continue;
        const f = i.flags.find((x) => x.name.toLowerCase() === 'from');
        if (!f?.value || !f.valueRange) continue;
        const v = unquote(f.value).toLowerCase();
        if ((s.name && s.name.value.toLowerCase() === v) || v === String(s.index)) ctx.report(self, f.valueRange);
      }
    }
  },
});

export const DL3061 = defineRule({
  id: 'DL3061',
  origin: 'hadolint',
  severity: 'error',
  title: 'Dockerfile must begin with FROM or ARG',
  message: 'Invalid instruction order: a Dockerfile must begin with FROM, ARG or a comment',
  doc: {
    what: 'An instruction other than ARG comes before the first FROM.',
    why: 'Only ARG may come before FROM; the builder rejects anything else there.',
    bad: 'LABEL org.opencontainers.image.title=app\nFROM debian:12\n',
    good: 'FROM debian:12\nLABEL org.opencontainers.image.title=app\n',
  },
  check(ctx, self) {
    for (const i of ctx.ast.instructions) {
      if (i.stageIndex >= 0) break;
      if (i.keyword !== 'ARG' && i.known) ctx.report(self, i.keywordToken.range, `${i.keyword} before the first FROM: a Dockerfile must begin with FROM, ARG or a comment`);
    }
  },
});

export const DL3043 = defineRule({
  id: 'DL3043',
  origin: 'hadolint',
  severity: 'error',
  title: 'ONBUILD cannot trigger ONBUILD, FROM or MAINTAINER',
  message: '`ONBUILD`, `FROM` or `MAINTAINER` cannot be triggered from within ONBUILD',
  doc: {
    what: 'ONBUILD wraps ONBUILD, FROM or MAINTAINER.',
    why: 'The builder rejects these triggers.',
    bad: 'FROM debian:12\nONBUILD FROM alpine:3.20\n',
    good: 'FROM debian:12\nONBUILD RUN echo built\n',
  },
  check(ctx, self) {
    for (const i of ctx.ast.instructions) {
      const inner = i.onbuild;
      if (inner && ['ONBUILD', 'FROM', 'MAINTAINER'].includes(inner.keyword)) {
        ctx.report(self, inner.keywordToken.range, `${inner.keyword} cannot be triggered from within ONBUILD`);
      }
    }
  },
});

export const DL3067 = defineRule({
  id: 'DL3067',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Do not copy an entire filesystem from another stage',
  message: 'Do not copy an entire filesystem from another stage (`COPY --from=… / /`)',
  doc: {
    what: '`COPY --from=<stage> / /`.',
    why: 'Copying a whole root filesystem duplicates everything, including /proc-like leftovers and package databases, and hides what the image really needs; build FROM that stage instead.',
    bad: 'FROM debian:12 AS base\nFROM scratch\nCOPY --from=base / /\n',
    good: 'FROM debian:12 AS base\nFROM base\n',
  },
  check(ctx, self) {
    for (const i of ctx.ast.instructions) {
      if (i.keyword !== 'COPY' || !i.flags.some((f) => f.name.toLowerCase() === 'from')) continue;
      const args = i.json ? i.json.values : i.words.map((w) => unquote(w.value));
      if (args.length < 2) continue;
      const dest = args[args.length - 1];
      if (dest === '/' && args.slice(0, -1).some((s) => s === '/')) ctx.report(self, i.argsRange ?? i.range);
    }
  },
});

export const StageNameCasing = defineRule({
  id: 'StageNameCasing',
  origin: 'buildkit',
  severity: 'warning',
  title: 'Stage names should be lowercase',
  message: 'Stage names should be lowercase',
  doc: {
    what: 'A stage name has uppercase letters.',
    why: 'The builder lower-cases stage names anyway, so `Build` and `build` are the same stage; writing them lowercase avoids surprises.',
    bad: 'FROM golang:1.23 AS Build\nFROM debian:12\nCOPY --from=Build /go/bin/app /app\n',
    good: 'FROM golang:1.23 AS build\nFROM debian:12\nCOPY --from=build /go/bin/app /app\n',
    fix: 'Lower-cases the name and every reference to it (FROM, COPY --from, RUN --mount from=).',
  },
  check(ctx, self) {
    const ast = ctx.ast;
    for (const s of ast.stages) {
      const n = s.name;
      if (!n || n.value === n.value.toLowerCase()) continue;
      const lower = n.value.toLowerCase();
      const edits = [replace(n.range, lower)];
      for (const other of ast.stages) {
        if (other.index > s.index && other.base && other.base.value.toLowerCase() === lower) edits.push(replace(other.base.range, lower));
      }
      for (const i of ast.instructions) {
        for (const f of (i.onbuild ?? i).flags) {
          if (!f.value || !f.valueRange) continue;
          if (f.name.toLowerCase() === 'from' && f.value.toLowerCase() === lower) edits.push(replace(f.valueRange, lower));
          if (f.name.toLowerCase() === 'mount') {
            const m = new RegExp(`(^|,)from=(${escapeRe(n.value)})(,|$)`, 'i').exec(f.value);
            if (m && m[2].toLowerCase() === lower && m[2] !== lower) {
              const at = f.valueRange.start.character + m.index + m[1].length + 'from='.length;
              if (f.valueRange.start.line === f.valueRange.end.line) {
                edits.push(replace({ start: { line: f.valueRange.start.line, character: at }, end: { line: f.valueRange.start.line, character: at + m[2].length } }, lower));
              }
            }
          }
        }
      }
      ctx.report(self, n.range, `Stage name "${n.value}" should be lowercase`, [fix(`Rename the stage to "${lower}"`, edits, true)]);
    }
  },
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const stageRules = [DL3024, DL3063, DL3022, DL3023, DL3061, DL3043, DL3067, StageNameCasing];
