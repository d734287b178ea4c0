// COPY and ADD: ADD vs COPY, destinations, archives, files the build context leaves out.
import type { Instruction, Range } from '../../syntax/ast';
import { changeDir, knownImage, startWorkdir } from '../base-image';
import { defineRule, fix, insert, replace } from '../define';
import type { RuleContext } from '../rule';
import { dropQuotes, unquote } from '../views';

const archiveExts = ['.tar', '.Z', '.bz2', '.gz', '.lz', '.lzma', '.tZ', '.tb2', '.tbz', '.tbz2', '.tgz', '.tlz', '.tpz', '.txz', '.xz'];
const isArchive = (p: string) => archiveExts.some((e) => dropQuotes(p).endsWith(e));
const isUrl = (p: string) => /^(https?:\/\/|git@)/.test(dropQuotes(p));

export interface CopyArgs {
  readonly instr: Instruction;
  readonly sources: readonly { value: string; range: Range }[];
  readonly dest: { value: string; raw: string; range: Range } | null;
  readonly from: string | null;
}

/** Sources and destination of COPY/ADD in either form; heredoc sources are left out. */
export function copyArgs(instr: Instruction): CopyArgs {
  const from = instr.flags.find((f) => f.name.toLowerCase() === 'from')?.value ?? null;
  if (instr.json) {
    const items = instr.json.values.map((v, k) => ({ value: v, raw: JSON.stringify(v), range: instr.json!.ranges[k] }));
    const dest = items.length >= 2 ? items[items.length - 1] : null;
    return { instr, sources: dest ? items.slice(0, -1) : items, dest, from };
  }
  const words = instr.words.filter((w) => !w.value.startsWith('<<'));
  const items = words.map((w) => ({ value: unquote(w.value), raw: w.value, range: w.range }));
  const hasHeredoc = words.length !== instr.words.length;
  const dest = items.length >= (hasHeredoc ? 1 : 2) ? items[items.length - 1] : null;
  return { instr, sources: dest ? items.slice(0, -1) : items, dest, from };
}

function copies(ctx: RuleContext, ...keywords: string[]): CopyArgs[] {
  const out: CopyArgs[] = [];
  for (const i of ctx.ast.instructions) {
    const e = keywords.includes(i.keyword) ? i : i.onbuild && keywords.includes(i.onbuild.keyword) ? i.onbuild : null;
    if (e) out.push(copyArgs(e));
  }
  return out;
}

export const DL3020 = defineRule({
  id: 'DL3020',
  origin: 'hadolint',
  severity: 'error',
  title: 'Use COPY instead of ADD for files and folders',
  message: 'Use COPY instead of ADD for files and folders',
  doc: {
    what: 'ADD copies a local file or folder that is neither an archive nor a URL.',
    why: 'ADD also unpacks archives and downloads URLs; using it for plain files hides which of those you meant. COPY does only the copy.',
    bad: 'FROM debian:12\nADD app.py /app/\n',
    good: 'FROM debian:12\nCOPY app.py /app/\n',
    fix: 'Replaces ADD with COPY (when no ADD-only flag is used).',
  },
  check(ctx, self) {
    for (const c of copies(ctx, 'ADD')) {
      if (c.sources.length === 0 || c.sources.every((s) => isArchive(s.value) || isUrl(s.value))) continue;
      const kw = c.instr.keywordToken;
      const addOnly = c.instr.flags.some((f) => ['checksum', 'keep-git-dir', 'unpack'].includes(f.name.toLowerCase()));
      const word = kw.value === kw.value.toLowerCase() ? 'copy' : 'COPY';
      const fixes = addOnly ? [] : [fix('Use COPY', [replace(kw.range, word)], true)];
      ctx.report(self, kw.range, undefined, fixes);
    }
  },
});

export const DL3021 = defineRule({
  id: 'DL3021',
  origin: 'hadolint',
  severity: 'error',
  title: 'COPY with several sources needs a directory destination',
  message: 'COPY with more than 2 arguments requires the last argument to end with /',
  doc: {
    what: 'COPY (or ADD) has several sources and a destination that does not end with `/`.',
    why: 'With several sources the destination must be a directory, and the builder only accepts that when it ends with `/`.',
    bad: 'FROM node:22\nCOPY package.json package-lock.json /app\n',
    good: 'FROM node:22\nCOPY package.json package-lock.json /app/\n',
    fix: 'Adds the trailing `/`.',
  },
  check(ctx, self) {
    for (const c of copies(ctx, 'COPY', 'ADD')) {
      if (c.sources.length < 2 || !c.dest || dropQuotes(c.dest.value).endsWith('/') || c.dest.value.includes('$')) continue;
      const r = c.dest.range;
      const quoted = /["']$/.test(c.dest.raw) ? 1 : 0;
      const at = { line: r.end.line, character: r.end.character - quoted };
      ctx.report(self, c.dest.range, `${c.instr.keyword} with several sources needs a destination ending in /: "${c.dest.value}/"`,
        [fix('Add a trailing /', [insert(at, '/')], true)]);
    }
  },
});

export const DL3045 = defineRule({
  id: 'DL3045',
  origin: 'hadolint',
  severity: 'warning',
  title: 'COPY to a relative destination without WORKDIR',
  message: '`COPY` to a relative destination without WORKDIR set',
  doc: {
    what: 'COPY has a relative destination in a stage that has not set WORKDIR (itself or through the stage it is built on). When the base image is known (in the editor, from the engine), the message says where the files land with the base image\'s WORKDIR today, and the preferred fix writes that absolute destination.',
    why: "The destination is then relative to the base image's working directory, which you do not control and which can change with the next base image release.",
    bad: 'FROM node:22\nCOPY package.json app/\n',
    good: 'FROM node:22\nWORKDIR /usr/src\nCOPY package.json app/\n',
  },
  check(ctx, self) {
    const withWorkdir = new Set<number>();
    for (const s of ctx.ast.stages) {
      const parent = ctx.facts.parentStage(s);
      let set = !!parent && withWorkdir.has(parent.index);
      for (const i of s.instructions) {
        if (i.keyword === 'WORKDIR') set = true;
        if (i.keyword !== 'COPY' || set) continue;
        const d = copyArgs(i).dest;
        if (!d) continue;
        const v = dropQuotes(d.value);
        if (v.startsWith('/') || /^[A-Za-z]:/.test(v) || v.startsWith('$')) continue;
        const base = knownImage(ctx.facts, s) ? startWorkdir(ctx.facts, s) : undefined;
        const to = base === undefined ? undefined : changeDir(base, v);
        if (to === undefined) {
          ctx.report(self, d.range, `COPY to the relative destination "${v}" without WORKDIR set`);
          continue;
        }
        const dest = v.endsWith('/') && to !== '/' ? `${to}/` : to;
        ctx.report(self, d.range, `COPY to the relative destination "${v}" without WORKDIR set: with the base image's WORKDIR (${base}) it lands in ${dest}`,
          [fix(`Change to ${dest}`, [replace(d.range, dest)], true)]);
      }
      if (set) withWorkdir.add(s.index);
    }
  },
});

const unzipCommands = new Set(['unzip', 'gunzip', 'bunzip2', 'unlzma', 'unxz', 'zgz', 'uncompress', 'zcat', 'gzcat']);
const base = (p: string) => dropQuotes(p).split(/[/\\]/).pop() ?? '';

export const DL3010 = defineRule({
  id: 'DL3010',
  origin: 'hadolint',
  severity: 'info',
  title: 'Use ADD to extract archives',
  message: 'Use ADD to extract archives into an image',
  doc: {
    what: 'COPY brings a local archive into the image and a later RUN in the same stage extracts it (tar -x, unzip, gunzip …).',
    why: 'The archive stays in the COPY layer even after extraction. ADD unpacks local tar archives in one step and keeps only the files.',
    bad: 'FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n',
    good: 'FROM debian:12\nADD app.tar.gz /opt/\n',
  },
  check(ctx, self) {
    for (const s of ctx.ast.stages) {
      const archives = new Map<string, Range>();
      for (const i of s.instructions) {
        if (i.keyword === 'COPY' && !i.flags.some((f) => f.name.toLowerCase() === 'from')) {
          const c = copyArgs(i);
          if (c.dest && isArchive(c.dest.value)) archives.set(base(c.dest.value), i.keywordToken.range);
          else for (const src of c.sources) if (isArchive(src.value)) archives.set(base(src.value), i.keywordToken.range);
          continue;
        }
        if (i.keyword !== 'RUN' || archives.size === 0) continue;
        for (const cmd of ctx.facts.run(i)?.commands ?? []) {
          const extracts = (cmd.name === 'tar' && (cmd.args.some((a) => a.value === '--extract' || a.value === '--get' || /^-[a-zA-Z]*x/.test(a.value)) || /^[a-zA-Z]*x[a-zA-Z]*$/.test(cmd.args[0]?.value ?? '')))
            || unzipCommands.has(cmd.name);
          if (!extracts) continue;
          for (const a of cmd.args) {
            const r = archives.get(base(a.value));
            if (r) { ctx.report(self, r); archives.delete(base(a.value)); }
          }
        }
      }
    }
  },
});

export const CopyIgnoredFile = defineRule({
  id: 'CopyIgnoredFile',
  origin: 'buildkit',
  severity: 'warning',
  title: 'COPY source is excluded by .dockerignore',
  message: 'Attempting to COPY a file that is excluded by .dockerignore',
  doc: {
    what: 'A COPY or ADD source from the build context is excluded by `.dockerignore`. Needs the `.dockerignore` (berth-lint reads the one next to the Dockerfile; the editor passes the workspace one).',
    why: 'The file is not in the build context, so the instruction fails or silently copies nothing.',
    bad: 'FROM node:22\nCOPY secrets.env /app/\n',
    good: 'FROM node:22\nCOPY package.json /app/\n',
    exampleOptions: { dockerignore: (p: string) => p === 'secrets.env' },
  },
  check(ctx, self) {
    const ignored = ctx.config.dockerignore;
    if (!ignored) return;
    for (const c of copies(ctx, 'COPY', 'ADD')) {
      if (c.from) continue;
      for (const src of c.sources) {
        const v = src.value;
        if (isUrl(v) || v.includes('$') || /[*?[]/.test(v)) continue;
        const path = v.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
        if (path === '' || path === '.') continue;
        if (ignored(path)) ctx.report(self, src.range, `"${v}" is excluded by .dockerignore, so ${c.instr.keyword} cannot see it`);
      }
    }
  },
});

export const DL4007 = defineRule({
  id: 'DL4007',
  origin: 'hadolint',
  severity: 'ignore',
  title: 'COPY of the whole build context',
  message: 'COPY with `.` (or `./`) as a source copies the whole build context: .git, .env and local configuration can end up in the image; copy what the image needs, or keep the rest out with .dockerignore',
  doc: {
    what: 'COPY (or ONBUILD COPY) with `.` or `./` among its sources (quoted or not), copying from the build context. ADD and `COPY --from=<stage>` are left alone. '
      + 'Off by default: most Dockerfiles copy `.` on purpose, and a `.dockerignore` that leaves out `.git`, `.env` and local settings makes the copy safe. '
      + 'Turn it on with a severity in the settings or `override` in `.hadolint.yaml`. A proposal for hadolint, not merged there.',
    why: 'Everything in the build context that `.dockerignore` does not exclude is copied: the repository history, environment files with secrets, editor and local configuration. Once in a layer, they stay in the image even if a later instruction deletes them.',
    bad: 'FROM node:22\nWORKDIR /app\nCOPY . .\n',
    good: 'FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY src/ ./src/\n',
    exampleOptions: { severityOverrides: { DL4007: 'warning' } },
  },
  check(ctx, self) {
    for (const c of copies(ctx, 'COPY')) {
      if (c.from) continue;
      for (const src of c.sources) {
        const v = dropQuotes(src.value);
        if (v === '.' || v === './') ctx.report(self, src.range);
      }
    }
  },
});

export const copyAddRules = [DL3020, DL3021, DL3045, DL3010, CopyIgnoredFile, DL4007];
