// WORKDIR and USER.
import type { Instruction } from '../../syntax/ast';
import { changeDir, knownImage, startUser, startWorkdir } from '../base-image';
import { defineRule, fix, insert, replace } from '../define';
import type { Fix } from '../types';
import { dropQuotes, unquote } from '../views';

const windowsAbsolute = /^[A-Za-z]:/;

export const DL3000 = defineRule({
  id: 'DL3000',
  aliases: ['WorkdirRelativePath'],
  origin: 'hadolint',
  severity: 'error',
  title: 'Use an absolute WORKDIR',
  message: 'Use an absolute WORKDIR',
  doc: {
    what: 'WORKDIR with a relative path (not starting with `/`, a drive letter or a variable). BuildKit calls this check WorkdirRelativePath. When the base image is known (in the editor, from the engine), the message says which directory the line means today, and the preferred fix writes that absolute path, so the build does not change; the base image\'s WORKDIR still does not count as set, as BuildKit does not count it either.',
    why: 'A relative WORKDIR is resolved against whatever the previous WORKDIR was, including the base image\'s, so the same line means different places in different images.',
    bad: 'FROM debian:12\nWORKDIR app\n',
    good: 'FROM debian:12\nWORKDIR /app\n',
    fix: 'Adds a leading `/`.',
  },
  check(ctx, self) {
    let stage = Number.NaN;
    // Where the stage is, line by line, when its base image is known (undefined: not known).
    let dir: string | undefined;
    for (const i of ctx.ast.instructions) {
      if (i.stageIndex !== stage) {
        stage = i.stageIndex;
        const s = ctx.ast.stages[stage];
        dir = s && knownImage(ctx.facts, s) ? startWorkdir(ctx.facts, s) : undefined;
      }
      if (i.keyword !== 'WORKDIR' || !i.argsRange) continue;
      const before = dir;
      dir = dir === undefined ? undefined : changeDir(dir, i.argsText.trim());
      const path = dropQuotes(i.argsText.trim());
      if (path === '' || path.startsWith('$') || path.startsWith('/') || windowsAbsolute.test(path)) continue;
      const at = i.words[0]?.range.start ?? i.argsRange.start;
      const quote = /^["']/.test(i.argsText.trim()) ? 1 : 0;
      const pos = { line: at.line, character: at.character + quote };
      if (dir === undefined || before === undefined) {
        ctx.report(self, i.argsRange, `Use an absolute WORKDIR: "${path}" is relative to the previous WORKDIR`, [fix(`Change to /${path}`, [insert(pos, '/')], true)]);
        continue;
      }
      const fixes: Fix[] = [fix(`Change to ${dir}`, [replace(i.argsRange, dir)], true)];
      if (`/${path}` !== dir) fixes.push(fix(`Change to /${path}`, [insert(pos, '/')]));
      ctx.report(self, i.argsRange, `Use an absolute WORKDIR: "${path}" is relative to the previous WORKDIR (${before}), so it means ${dir}`, fixes);
    }
  },
});

function userPart(user: string): string {
  const c = user.indexOf(':');
  return c === -1 ? user : user.slice(0, c);
}

function isRoot(user: string): boolean {
  const u = userPart(user);
  return u === 'root' || u === '0';
}

export const DL3002 = defineRule({
  id: 'DL3002',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Last USER should not be root',
  message: 'Last USER should not be root',
  doc: {
    what: 'The last USER of a stage is `root` or `0` (with or without a group). A stage without USER is left alone. When the base image is known (in the editor, from the engine) and runs as another user, the message names that user and the preferred fix switches back to it at the end of the stage.',
    why: 'Containers then run as root, and a process escaping the application has root inside the container and more power on the host.',
    bad: 'FROM debian:12\nUSER root\nRUN apt-get update\n',
    good: 'FROM debian:12\nUSER root\nRUN apt-get update\nUSER nobody\n',
  },
  check(ctx, self) {
    for (const s of ctx.ast.stages) {
      let last: Instruction | null = null;
      for (const i of s.instructions) if (i.keyword === 'USER') last = i;
      if (!last || !last.argsRange) continue;
      const u = userPart(unquote(last.argsText.trim()));
      if (u !== 'root' && u !== '0') continue;
      // What the stage started as (its base image or the stage it is built on), when known.
      const start = startUser(ctx.facts, s);
      const back = start === undefined ? '' : unquote(start);
      if (back === '' || isRoot(back)) {
        ctx.report(self, last.argsRange);
        continue;
      }
      const end = s.instructions[s.instructions.length - 1];
      const indent = (ctx.ast.lines[end.startLine] ?? '').match(/^\s*/)![0];
      const eol = ctx.ast.lines[end.endLine]?.length ?? 0;
      ctx.report(self, last.argsRange, `Last USER should not be root: the base image runs as "${back}"; switch back to it when the root steps are done`,
        [fix(`Add USER ${back} at the end of the stage`, [insert({ line: end.endLine, character: eol }, `\n${indent}USER ${back}`)], true)]);
    }
  },
});

export const DL3066 = defineRule({
  id: 'DL3066',
  origin: 'hadolint',
  severity: 'info',
  title: 'Use a numeric user id',
  message: 'Non-numeric user id: the host may not be able to resolve it',
  doc: {
    what: 'USER names a user by name rather than a numeric id (unless the value comes from an ARG).',
    why: 'Kubernetes `runAsNonRoot` and host tools can only check numeric ids; a name needs the image\'s /etc/passwd to mean anything.',
    bad: 'FROM debian:12\nUSER nobody\n',
    good: 'FROM debian:12\nUSER 65534\n',
  },
  check(ctx, self) {
    const args = new Set<string>();
    for (const i of ctx.ast.instructions) {
      if (i.keyword === 'ARG') for (const w of i.words) args.add(w.value.split('=')[0]);
      if (i.keyword !== 'USER' || !i.argsRange) continue;
      const u = userPart(unquote(i.argsText.trim()));
      if (/^\d+$/.test(u)) continue;
      if ([...u.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].some((m) => args.has(m[1]))) continue;
      ctx.report(self, i.argsRange, `User "${u}" is not numeric: the host may not be able to resolve it`);
    }
  },
});

export const workdirUserRules = [DL3000, DL3002, DL3066];
