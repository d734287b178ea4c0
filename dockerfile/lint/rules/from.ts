// FROM: image tags, trusted registries, --platform.
import type { DockerfileAst, Flag, Position } from '../../syntax/ast';
import { defineRule, fix, replace } from '../define';
import type { RuleContext } from '../rule';
import type { TextEdit } from '../types';
import { fromParts, parseImageRef, unquote } from '../views';

/** Names of stages defined before stage `index` (lower-cased). */
function earlierStageNames(ast: DockerfileAst, index: number): Set<string> {
  const out = new Set<string>();
  for (const s of ast.stages) if (s.index < index && s.name) out.add(s.name.value.toLowerCase());
  return out;
}

/** Remove a flag and the whitespace after it. */
export function removeFlag(ast: DockerfileAst, flag: Flag): TextEdit {
  const line = ast.lines[flag.range.end.line] ?? '';
  let end = flag.range.end.character;
  while (end < line.length && (line[end] === ' ' || line[end] === '\t')) end++;
  const to: Position = { line: flag.range.end.line, character: end };
  return replace({ start: flag.range.start, end: to }, '');
}

export const DL3006 = defineRule({
  id: 'DL3006',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Tag the image version explicitly',
  message: 'Always tag the version of an image explicitly',
  doc: {
    what: 'FROM names an image without a tag or digest. `scratch`, earlier stage names and images given by a variable are fine.',
    why: 'Without a tag you get `latest`, which changes under you: the same Dockerfile builds different images on different days.',
    bad: 'FROM debian\n',
    good: 'FROM debian:12\n',
  },
  check(ctx, self) {
    for (const stage of ctx.ast.stages) {
      const img = stage.base;
      if (!img) continue;
      const v = unquote(img.value);
      if (v === 'scratch' || v.startsWith('$') || earlierStageNames(ctx.ast, stage.index).has(v.toLowerCase())) continue;
      const ref = parseImageRef(v);
      if (ref.tag === null && ref.digest === null) ctx.report(self, img.range, `Tag the version of "${v}" explicitly (for example ${v}:<version>)`);
    }
  },
});

export const DL3007 = defineRule({
  id: 'DL3007',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Do not use the latest tag',
  message: 'Using `latest` is prone to errors when the image updates: pin a release tag',
  doc: {
    what: 'FROM uses an image with the tag `latest` (and no digest).',
    why: '`latest` moves: rebuilding the same Dockerfile gives a different base image, which breaks builds and hides changes.',
    bad: 'FROM debian:latest\n',
    good: 'FROM debian:12\n',
  },
  check(ctx, self) {
    for (const stage of ctx.ast.stages) {
      if (!stage.base) continue;
      const ref = parseImageRef(unquote(stage.base.value));
      if (ref.tag === 'latest' && ref.digest === null) ctx.report(self, stage.base.range);
    }
  },
});

/** hadolint's registry globs: `*`, `*.example.com`, `registry.example.*`, or an exact name. */
export function registryAllowed(pattern: string, registry: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return registry.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return registry.startsWith(pattern.slice(0, -1));
  return registry === pattern;
}

function imageTrusted(ctx: RuleContext, image: string, stages: Set<string>): boolean {
  const allowed = ctx.config.trustedRegistries;
  if (allowed.length === 0 || image.startsWith('$') || stages.has(image.toLowerCase())) return true;
  const ref = parseImageRef(image);
  if (ref.registry) return allowed.some((p) => registryAllowed(p, ref.registry!));
  return image === 'scratch' || allowed.some((p) => registryAllowed(p, 'docker.io') || registryAllowed(p, 'hub.docker.com'));
}

export const DL3026 = defineRule({
  id: 'DL3026',
  origin: 'hadolint',
  severity: 'error',
  title: 'Use only an allowed registry',
  message: 'Use only an allowed registry in the FROM image',
  doc: {
    what: 'With `trustedRegistries` set in `.hadolint.yaml`, an image in FROM, `COPY --from` or `RUN --mount=from=` comes from a registry not on the list. Images without a registry count as docker.io.',
    why: 'Teams pin where base images may come from so that builds cannot pull unreviewed images.',
    bad: '# with trustedRegistries: [my-registry.example.com]\nFROM debian:12\n',
    good: '# with trustedRegistries: [my-registry.example.com]\nFROM my-registry.example.com/debian:12\n',
    options: '`trustedRegistries` (a name or list; `*` globs at either end). The rule is off while the list is empty.',
    exampleOptions: { hadolint: { trustedRegistries: ['my-registry.example.com'] } },
  },
  check(ctx, self) {
    if (ctx.config.trustedRegistries.length === 0) return;
    const names = new Set<string>();
    for (const stage of ctx.ast.stages) {
      if (stage.base) {
        const img = unquote(stage.base.value);
        if (!imageTrusted(ctx, img, names)) ctx.report(self, stage.base.range, `"${img}" is not from an allowed registry (${ctx.config.trustedRegistries.join(', ')})`);
      }
      if (stage.name) names.add(stage.name.value.toLowerCase());
      for (const i of stage.instructions) {
        const from = i.keyword === 'COPY' ? i.flags.find((f) => f.name.toLowerCase() === 'from') : undefined;
        if (from?.value && from.valueRange && !/^\d+$/.test(from.value) && !imageTrusted(ctx, from.value, names)) {
          ctx.report(self, from.valueRange, `"${from.value}" is not from an allowed registry (${ctx.config.trustedRegistries.join(', ')})`);
        }
        const run = i.keyword === 'RUN' ? ctx.facts.run(i) : undefined;
        for (const m of run?.mounts ?? []) {
          if (m.from && !imageTrusted(ctx, m.from, names)) {
            const flag = i.flags.find((f) => f.name.toLowerCase() === 'mount' && (f.value ?? '').includes(m.from));
            ctx.report(self, flag?.range ?? i.keywordToken.range, `"${m.from}" is not from an allowed registry (${ctx.config.trustedRegistries.join(', ')})`);
          }
        }
      }
    }
  },
});

export const DL3029 = defineRule({
  id: 'DL3029',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Do not use --platform with FROM',
  message: 'Do not use --platform with FROM unless it is $BUILDPLATFORM or $TARGETPLATFORM',
  doc: {
    what: 'FROM has `--platform` with a value that does not use `BUILDPLATFORM` or `TARGETPLATFORM`.',
    why: 'A fixed platform makes the Dockerfile build for one architecture only, and on other machines it runs under emulation without saying so.',
    bad: 'FROM --platform=linux/amd64 debian:12\n',
    good: 'FROM debian:12\n',
    fix: 'Removes the `--platform` flag.',
  },
  check(ctx, self) {
    for (const stage of ctx.ast.stages) {
      const p = fromParts(stage.from).platform;
      if (!p || p.value.includes('BUILDPLATFORM') || p.value.includes('TARGETPLATFORM')) continue;
      const flag = stage.from.flags.find((f) => f.name.toLowerCase() === 'platform')!;
      ctx.report(self, flag.range, undefined, [fix('Remove --platform', [removeFlag(ctx.ast, flag)])]);
    }
  },
});

export const DL3065 = defineRule({
  id: 'DL3065',
  aliases: ['RedundantTargetPlatform'],
  origin: 'hadolint',
  severity: 'warning',
  title: 'FROM --platform=$TARGETPLATFORM is redundant',
  message: 'Setting `FROM --platform` to `$TARGETPLATFORM` is redundant: it is the default',
  doc: {
    what: 'FROM has `--platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`). BuildKit calls this check RedundantTargetPlatform.',
    why: 'Stages are built for the target platform anyway; the flag only adds noise.',
    bad: 'FROM --platform=$TARGETPLATFORM debian:12\n',
    good: 'FROM debian:12\n',
    fix: 'Removes the flag.',
  },
  check(ctx, self) {
    for (const stage of ctx.ast.stages) {
      const flag = stage.from.flags.find((f) => f.name.toLowerCase() === 'platform');
      if (!flag || (flag.value !== '$TARGETPLATFORM' && flag.value !== '${TARGETPLATFORM}')) continue;
      ctx.report(self, flag.range, undefined, [fix('Remove --platform=$TARGETPLATFORM', [removeFlag(ctx.ast, flag)], true)]);
    }
  },
});

export const FromPlatformFlagConstDisallowed = defineRule({
  id: 'FromPlatformFlagConstDisallowed',
  origin: 'buildkit',
  severity: 'warning',
  title: 'FROM --platform should not use a constant value',
  message: 'FROM --platform should not use a constant value',
  doc: {
    what: 'FROM `--platform` is a constant such as `linux/amd64`, and the stage name does not mention that OS or architecture.',
    why: 'A constant platform pins the stage to one architecture even when building for others; use `$BUILDPLATFORM` for build tools or name the stage after the platform when it is on purpose.',
    bad: 'FROM --platform=linux/amd64 golang:1.23 AS build\n',
    good: 'FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n',
    fix: 'Replaces the value with `$BUILDPLATFORM`.',
  },
  check(ctx, self) {
    for (const stage of ctx.ast.stages) {
      const p = fromParts(stage.from).platform;
      if (!p || p.value.includes('$')) continue;
      const [os, arch] = p.value.toLowerCase().split('/');
      const name = stage.name?.value.toLowerCase() ?? '';
      if (name && ((os && name.includes(os)) || (arch && name.includes(arch)))) continue;
      ctx.report(self, p.range, `FROM --platform flag should not use a constant value ("${p.value}")`,
        [fix('Use $BUILDPLATFORM', [replace(p.range, '$BUILDPLATFORM')])]);
    }
  },
});

export const fromRules = [DL3006, DL3007, DL3026, DL3029, DL3065, FromPlatformFlagConstDisallowed];
