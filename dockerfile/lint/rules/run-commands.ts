// What RUN commands do: pointless or risky commands, cd, sudo, wget/curl, useradd, pipes
// without pipefail, and RUNs that could be one.
import type { Instruction } from '../../syntax/ast';
import { knownImage } from '../base-image';
import { defineRule, fix, insert, replace } from '../define';
import { cmdHasArgs, flagValues, hasFlag } from '../shell/commands';
import { baseName } from '../shell/commands';
import { commandRange, commandSites, editable, insertAfterWord, wordRange } from './run-helpers';

const pointless = new Set(['free', 'kill', 'mount', 'ps', 'service', 'shutdown', 'ssh', 'top', 'vim']);

export const DL3001 = defineRule({
  id: 'DL3001',
  origin: 'hadolint',
  severity: 'info',
  title: 'Command makes no sense in a container build',
  message: 'This command makes no sense in a container build (ssh, vim, shutdown, service, ps, free, top, kill, mount)',
  doc: {
    what: 'A RUN calls `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill` or `mount`.',
    why: 'A build step has no services to manage and no one at a terminal; these commands either do nothing useful or hang the build.',
    bad: 'FROM debian:12\nRUN service nginx start\n',
    good: 'FROM debian:12\nCMD ["nginx", "-g", "daemon off;"]\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, ...pointless)) {
      if (!pointless.has(site.cmd.name)) continue;
      ctx.report(self, wordRange(site.script, site.cmd.nameWord), `\`${site.cmd.name}\` makes no sense in a container build`);
    }
  },
});

export const DL3003 = defineRule({
  id: 'DL3003',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use WORKDIR to switch to a directory',
  message: 'Use WORKDIR to switch to a directory',
  doc: {
    what: 'A RUN uses `cd`.',
    why: '`cd` only lasts for that RUN; WORKDIR says where later instructions run and is visible to readers of the Dockerfile.',
    bad: 'FROM debian:12\nRUN cd /usr/src/app && make\n',
    good: 'FROM debian:12\nWORKDIR /usr/src/app\nRUN make\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'cd')) {
      if (site.cmd.name === 'cd') ctx.report(self, commandRange(site));
    }
  },
});

export const DL3004 = defineRule({
  id: 'DL3004',
  origin: 'hadolint',
  severity: 'error',
  title: 'Do not use sudo',
  message: 'Do not use sudo: RUN already runs as the current USER; switch with USER or use gosu',
  doc: {
    what: 'A RUN calls `sudo`.',
    why: 'sudo needs a terminal and configuration that images rarely have, so it behaves unpredictably; USER (or gosu at run time) says which user runs what.',
    bad: 'FROM debian:12\nRUN sudo make install\n',
    good: 'FROM debian:12\nRUN make install\n',
    fix: 'Removes `sudo` when it has no options of its own.',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'sudo')) {
      const c = site.cmd;
      if (c.name !== 'sudo') continue;
      const plain = c.args.length > 0 && !c.args[0].value.startsWith('-');
      const fixes = editable(site) && plain
        ? [fix('Remove sudo', [replace(site.script.source.rangeOf(c.nameWord.start, c.args[0].start), '')], true)] : [];
      ctx.report(self, wordRange(site.script, c.nameWord), undefined, fixes);
    }
  },
});

export const DL3046 = defineRule({
  id: 'DL3046',
  origin: 'hadolint',
  severity: 'warning',
  title: 'useradd with a high UID needs -l',
  message: '`useradd` with a high UID and without `-l` writes a huge /var/log/lastlog into the image',
  doc: {
    what: '`useradd -u <uid>` with a UID of more than five digits and without `-l` / `--no-log-init`.',
    why: 'useradd reserves lastlog and faillog space up to the UID; with a large UID that is a sparse file of gigabytes that layers store in full.',
    bad: 'FROM debian:12\nRUN useradd -u 1000000 app\n',
    good: 'FROM debian:12\nRUN useradd -l -u 1000000 app\n',
    fix: 'Adds `-l` after `useradd`.',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'useradd')) {
      const c = site.cmd;
      if (c.name !== 'useradd' || hasFlag(c, 'l', 'no-log-init')) continue;
      if (!flagValues(c, 'u', 'uid').some((u) => u.length > 5)) continue;
      const fixes = editable(site) ? [fix('Add -l', [insertAfterWord(site, c.nameWord, '-l')], true)] : [];
      ctx.report(self, commandRange(site), undefined, fixes);
    }
  },
});

export const DL3047 = defineRule({
  id: 'DL3047',
  origin: 'hadolint',
  severity: 'info',
  title: 'wget without --progress bloats the build log',
  message: 'wget without a progress option fills the build log: use `wget --progress=dot:giga <url>`, `-q` or `-nv`',
  doc: {
    what: '`wget` without `--progress`, `-q`/`--quiet`, `-nv`/`--no-verbose`, or an output log file (`-o`, `-a`).',
    why: "wget's default progress bar writes a line per few kilobytes when there is no terminal, so build logs grow to megabytes.",
    bad: 'FROM debian:12\nRUN wget https://example.com/file.tar.gz\n',
    good: 'FROM debian:12\nRUN wget --progress=dot:giga https://example.com/file.tar.gz\n',
    fix: 'Adds `--progress=dot:giga` after `wget`.',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'wget')) {
      const c = site.cmd;
      if (c.name !== 'wget') continue;
      if (hasFlag(c, 'progress', 'q', 'quiet', 'o', 'output-file', 'a', 'append-output', 'no-verbose') || c.args.some((a) => a.value === '-nv')) continue;
      const fixes = editable(site) ? [fix('Add --progress=dot:giga', [insertAfterWord(site, c.nameWord, '--progress=dot:giga')], true)] : [];
      ctx.report(self, commandRange(site), undefined, fixes);
    }
  },
});

export const DL4001 = defineRule({
  id: 'DL4001',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use either wget or curl, not both',
  message: 'Use either wget or curl, not both, in one stage',
  doc: {
    what: 'A stage uses both `wget` and `curl`.',
    why: 'Two download tools means two packages to install and keep up to date where one would do.',
    bad: 'FROM debian:12\nRUN wget -q https://example.com/a\nRUN curl -fsSLO https://example.com/b\n',
    good: 'FROM debian:12\nRUN curl -fsSLO https://example.com/a\nRUN curl -fsSLO https://example.com/b\n',
  },
  check(ctx, self) {
    let stage = Number.NaN;
    const seen = new Set<string>();
    for (const run of ctx.facts.runs) {
      if (run.stageIndex !== stage) { stage = run.stageIndex; seen.clear(); }
      const here = run.commands.filter((c) => c.name === 'curl' || c.name === 'wget');
      for (const c of here) seen.add(c.name);
      if (here.length === 0 || seen.size < 2) continue;
      const c = here[here.length - 1];
      const script = run.scripts.find((s) => s.shell.commands.includes(c))!;
      ctx.report(self, wordRange(script, c.nameWord));
    }
  },
});

export const DL4005 = defineRule({
  id: 'DL4005',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use SHELL to change the default shell',
  message: 'Use SHELL to change the default shell instead of replacing /bin/sh',
  doc: {
    what: 'A RUN links something to `/bin/sh` with `ln`.',
    why: 'Replacing /bin/sh changes every script in the image, not just your RUN instructions; SHELL changes the shell RUN uses and nothing else.',
    bad: 'FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n',
    good: 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'ln')) {
      if (cmdHasArgs(site.cmd, 'ln', ['/bin/sh'])) ctx.report(self, commandRange(site));
    }
  },
});

const nonPosix = ['pwsh', 'powershell', 'cmd'];

/** A shell (SHELL's JSON values) where a pipe's failure is not lost: not POSIX, or bash/zsh/ash with -o pipefail. */
function pipefailSafe(vals: readonly string[]): boolean {
  const sh = baseName(vals[0] ?? '');
  return nonPosix.some((n) => sh.toLowerCase().startsWith(n))
    || (['bash', 'zsh', 'ash'].includes(sh) && vals.includes('-o') && vals.includes('pipefail'));
}

export const DL4006 = defineRule({
  id: 'DL4006',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Set pipefail before RUN with a pipe',
  message: 'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before a RUN with a pipe, or a failing command before `|` goes unnoticed',
  doc: {
    what: 'A RUN uses a pipe while the stage has no SHELL with `-o pipefail` (bash, zsh or ash) and the RUN does not run `set -o pipefail` itself. When the base image is known (in the editor, from the engine), a Shell in its config counts like a SHELL line at the top of the stage.',
    why: 'The shell only checks the exit status of the last command in a pipe: `curl … | tar x` succeeds even when the download fails, and the image is built from nothing.',
    bad: 'FROM debian:12\nRUN curl -fsSL https://example.com/x.tar.gz | tar -xz\n',
    good: 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://example.com/x.tar.gz | tar -xz\n',
    fix: 'Inserts `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN (the image needs bash; on Alpine use /bin/ash).',
  },
  check(ctx, self) {
    const ast = ctx.ast;
    let stage = Number.NaN;
    let safe = false;
    for (const instr of ast.instructions) {
      if (instr.stageIndex !== stage) {
        stage = instr.stageIndex;
        // The base image's Shell (from its config, when known) is the stage's until a SHELL line.
        const st = ast.stages[stage];
        const shell = st ? knownImage(ctx.facts, st)?.facts.shell : undefined;
        safe = !!shell && shell.length > 0 && pipefailSafe(shell);
      }
      if (instr.keyword === 'SHELL') {
        safe = pipefailSafe(instr.json?.values ?? []);
        continue;
      }
      const run = ctx.facts.run(instr);
      if (!run || instr.keyword !== 'RUN' || safe) continue;
      const piped = run.scripts.filter((s) => s.shell.hasPipe);
      if (piped.length === 0) continue;
      const setsPipefail = run.commands.some((c) => c.name === 'set' && c.args.some((a) => a.value === 'pipefail') && c.args.some((a) => /^-[a-z]*o$/.test(a.value)));
      if (setsPipefail) continue;
      const indent = (ast.lines[instr.startLine] ?? '').match(/^\s*/)![0];
      const edit = insert({ line: instr.startLine, character: 0 }, `${indent}SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n`);
      const pipeCmd = piped[0].shell.commands.find((c) => c.piped)!;
      ctx.report(self, pipeCmd ? commandRange({ script: piped[0], cmd: pipeCmd }) : instr.range, undefined,
        [fix('Set SHELL to bash with pipefail before this RUN', [edit])]);
    }
  },
});

function flagsKey(i: Instruction): string {
  return i.flags.map((f) => `${f.name.toLowerCase()}=${f.value ?? ''}`).sort().join(' ');
}

export const DL3059 = defineRule({
  id: 'DL3059',
  origin: 'hadolint',
  severity: 'info',
  title: 'Consecutive RUN instructions',
  message: 'Multiple consecutive RUN instructions: consider joining them into one',
  doc: {
    what: 'A RUN directly follows another RUN with the same flags, and neither runs more than two commands.',
    why: 'Each RUN is a layer; short steps that belong together are smaller and faster as one.',
    bad: 'FROM debian:12\nRUN mkdir -p /app\nRUN chown nobody /app\n',
    good: 'FROM debian:12\nRUN mkdir -p /app && chown nobody /app\n',
    fix: 'Joins this RUN to the one before with `&&` (shell form, no flags, nothing in between).',
  },
  check(ctx, self) {
    const ast = ctx.ast;
    let prev: Instruction | null = null;
    for (const instr of ast.instructions) {
      if (instr.keyword !== 'RUN') { prev = null; continue; }
      const p = prev;
      prev = instr;
      if (!p || p.stageIndex !== instr.stageIndex || flagsKey(p) !== flagsKey(instr)) continue;
      const count = (i: Instruction) => ctx.facts.run(i)?.commands.length ?? 0;
      if (count(p) > 2 || count(instr) > 2) continue;
      const fixes = [];
      const prevText = ctx.facts.run(p)?.scripts[0]?.source.text.trimEnd() ?? '';
      const joinable = !p.json && !instr.json && p.heredocs.length === 0 && instr.heredocs.length === 0 && p.flags.length === 0
        && instr.argsRange && p.argsRange && p.endLine + 1 === instr.startLine && !/[;&|]$/.test(prevText);
      if (joinable) {
        const esc = ast.escapeChar;
        const indent = ' '.repeat(Math.max(4, (ast.lines[instr.startLine] ?? '').search(/\S/) + 4));
        const prevEnd = { line: p.endLine, character: (ast.lines[p.endLine] ?? '').trimEnd().length };
        fixes.push(fix('Join with the RUN above', [replace({ start: prevEnd, end: instr.argsRange!.start }, ` && ${esc}\n${indent}`)], true));
      }
      ctx.report(self, instr.keywordToken.range, undefined, fixes);
    }
  },
});

export const runCommandRules = [DL3001, DL3003, DL3004, DL3046, DL3047, DL4001, DL4005, DL4006, DL3059];
