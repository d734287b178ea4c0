// Layout and comments: empty continuation lines, inline pragmas, definition descriptions,
// JSON written with single quotes.
import { defineRule, deleteLines, fix, replace } from '../define';
import { parsePragma } from '../suppression';

export const NoEmptyContinuation = defineRule({
  id: 'NoEmptyContinuation',
  origin: 'buildkit',
  severity: 'warning',
  title: 'Empty continuation line',
  message: 'Empty continuation line',
  doc: {
    what: 'A blank line inside an instruction continued with `\\` (heredoc bodies excluded).',
    why: 'BuildKit skips the blank line today but says empty continuation lines will become errors in a future release; they also make it easy to miss that the instruction goes on.',
    bad: 'FROM debian:12\nRUN apt-get update && \\\n\n    apt-get install -y curl\n',
    good: 'FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n',
    fix: 'Deletes the empty lines.',
  },
  check(ctx, self) {
    const ast = ctx.ast;
    for (const i of ast.instructions) {
      if (i.endLine <= i.startLine) continue;
      const bodyLines = new Set<number>();
      for (const h of i.heredocs) {
        const end = h.terminatorRange?.start.line ?? ast.lines.length - 1;
        for (let l = h.contentRange.start.line; l <= end; l++) bodyLines.add(l);
      }
      const firstBody = i.heredocs.length ? Math.min(...i.heredocs.map((h) => h.contentRange.start.line)) : Number.MAX_SAFE_INTEGER;
      for (let l = i.startLine + 1; l <= i.endLine && l < firstBody; l++) {
        if (bodyLines.has(l) || (ast.lines[l] ?? '').trim() !== '') continue;
        let to = l;
        while (to + 1 <= i.endLine && to + 1 < firstBody && (ast.lines[to + 1] ?? '').trim() === '') to++;
        ctx.report(self, { start: { line: l, character: 0 }, end: { line: to, character: (ast.lines[to] ?? '').length } }, undefined,
          [fix('Delete the empty continuation lines', [deleteLines(l, to)], true)]);
        l = to;
      }
    }
  },
});

export const DL1001 = defineRule({
  id: 'DL1001',
  origin: 'hadolint',
  severity: 'ignore',
  title: 'Inline ignore pragma used',
  message: 'Please refrain from using inline ignore pragmas (# hadolint ignore=…)',
  doc: {
    what: 'A `# hadolint ignore=…` comment (any scope). Off by default: turn it on where a team wants every exception in the shared config instead.',
    why: 'Inline ignores scatter exceptions across files where reviewers do not see them.',
    bad: 'FROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get install -y --no-install-recommends curl\n',
    good: 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n',
    exampleOptions: { severityOverrides: { DL1001: 'warning' } },
  },
  check(ctx, self) {
    for (const c of ctx.ast.comments) if (parsePragma(c.text)) ctx.report(self, c.range);
  },
});

export const InvalidDefinitionDescription = defineRule({
  id: 'InvalidDefinitionDescription',
  origin: 'buildkit',
  severity: 'warning',
  experimental: true,
  title: 'Comment above ARG or stage should describe it',
  message: 'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`',
  doc: {
    what: 'A comment directly above a global ARG or a named stage that does not start with that name. Experimental in BuildKit: it runs only with `# check=experimental=InvalidDefinitionDescription` (or `all`).',
    why: 'Tools such as `docker buildx build --call=outline` show these comments as descriptions of build arguments and targets.',
    bad: '# check=experimental=all\nFROM debian:12 AS base\n# the version of the app\nARG VERSION=1\n',
    good: '# check=experimental=all\nFROM debian:12 AS base\n# VERSION the version of the app\nARG VERSION=1\n',
  },
  check(ctx, self) {
    const ast = ctx.ast;
    const commentAt = new Map(ast.comments.map((c) => [c.range.start.line, c]));
    const targets: { line: number; name: string }[] = [];
    for (const i of ast.instructions) {
      if (i.keyword === 'ARG' && i.words.length === 1) targets.push({ line: i.startLine, name: i.words[0].value.split('=')[0] });
    }
    for (const s of ast.stages) if (s.name) targets.push({ line: s.from.startLine, name: s.name.value });
    for (const t of targets) {
      let l = t.line - 1;
      if (!commentAt.has(l)) continue;
      while (commentAt.has(l - 1)) l--;
      const first = commentAt.get(l)!;
      if (parsePragma(first.text)) continue;
      const text = first.text.trim();
      if (text === t.name || text.startsWith(`${t.name} `)) continue;
      ctx.report(self, first.range, `Comment for ${t.name} should follow the format: "# ${t.name} <description>"`);
    }
  },
});

export const JSONInSingleQuotes = defineRule({
  id: 'JSONInSingleQuotes',
  origin: 'berth',
  severity: 'warning',
  title: 'JSON form written with single quotes',
  message: 'This looks like JSON form but uses single quotes, so it runs as a shell command',
  doc: {
    what: "RUN, CMD, ENTRYPOINT, SHELL, VOLUME, COPY or ADD arguments that look like a JSON array but use single quotes (`CMD ['node', 'app.js']`).",
    why: "JSON needs double quotes; with single quotes the builder treats the whole text as a shell command, so the container runs `['node',` and fails.",
    bad: "FROM node:22\nCMD ['node', 'server.js']\n",
    good: 'FROM node:22\nCMD ["node", "server.js"]\n',
    fix: 'Rewrites the array with double quotes.',
  },
  check(ctx, self) {
    for (const i of ctx.ast.instructions) {
      const e = i.onbuild ?? i;
      if (!['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'VOLUME', 'COPY', 'ADD'].includes(e.keyword) || e.json || !e.argsRange) continue;
      const t = e.argsText.trim();
      if (!/^\[\s*'.*'\s*\]$/s.test(t)) continue;
      const items = [...t.slice(1, -1).matchAll(/'((?:[^'\\]|\\.)*)'\s*(,|$)/g)].map((m) => m[1]);
      const fixes = items.length && e.argsRange.start.line === e.argsRange.end.line
        ? [fix('Use double quotes', [replace(e.argsRange, `[${items.map((v) => JSON.stringify(v)).join(', ')}]`)], true)] : [];
      ctx.report(self, e.argsRange, undefined, fixes);
    }
  },
});

export const miscRules = [NoEmptyContinuation, DL1001, InvalidDefinitionDescription, JSONInSingleQuotes];
