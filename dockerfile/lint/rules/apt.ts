// Debian/Ubuntu package installs in RUN: pinning, non-interactive flags, recommends, list cleanup.
import { defineRule, fix, replace } from '../define';
import { hasCacheMountWith } from '../facts';
import { argsNoFlags, cmdHasArgs, countFlag, hasArg, hasFlag, type ShellCommand } from '../shell/commands';
import { appendCommand, argWord, commandRange, commandSites, editable, insertAfterWord, wordRange } from './run-helpers';

const isAptGetInstall = (c: ShellCommand) => cmdHasArgs(c, 'apt-get', ['install']);

export const DL3008 = defineRule({
  id: 'DL3008',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Pin versions in apt-get install',
  message: 'Pin versions in apt-get install: write `apt-get install <package>=<version>`',
  doc: {
    what: '`apt-get install` names a package without a version (`pkg=1.2.3`), a release path or a `.deb` file.',
    why: 'Unpinned packages make the image change whenever the archive does; builds stop being reproducible and a cached layer hides which version you actually have.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n',
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'apt-get')) {
      if (!isAptGetInstall(site.cmd)) continue;
      for (const w of argsNoFlags(site.cmd, ['t', 'target-release'])) {
        if (w.value === 'install') continue;
        if (w.value.includes('=') || w.value.includes('/') || w.value.endsWith('.deb')) continue;
        ctx.report(self, wordRange(site.script, w), `Pin the version of "${w.value}": \`apt-get install ${w.value}=<version>\``);
      }
    }
  },
});

export const DL3009 = defineRule({
  id: 'DL3009',
  origin: 'hadolint',
  severity: 'info',
  title: 'Delete the apt lists after installing',
  message: 'Delete the apt lists (/var/lib/apt/lists) in the same RUN that fetches them',
  doc: {
    what: 'A RUN runs `apt-get update` but does not remove `/var/lib/apt/lists/*` in the same layer. Only stages that end up in an image (the last one, or one used as a base) are checked.',
    why: 'The package lists are tens of megabytes that stay in the layer for ever once the RUN finishes.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5\n',
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*\n',
    fix: 'Appends `&& rm -rf /var/lib/apt/lists/*` to the RUN.',
  },
  check(ctx, self) {
    const ast = ctx.ast;
    const usedAsBase = new Set(ast.stages.map((s) => s.base?.value.toLowerCase()).filter((x): x is string => !!x));
    const last = ast.stages.length - 1;
    // Removing docker-clean means the user keeps the apt cache on purpose.
    const keepsCache = ctx.facts.sitesNamed('rm').some((s) => hasArg(s.cmd, '/etc/apt/apt.conf.d/docker-clean'))
      || ctx.facts.sitesNamed('echo').some((s) => s.cmd.args.some((a) => a.value.includes('Keep-Downloaded-Packages')));
    if (keepsCache) return;
    for (const run of ctx.facts.runs) {
      const stage = ast.stages[run.stageIndex];
      const relevant = run.stageIndex === last || run.stageIndex < 0 || (stage?.name && usedAsBase.has(stage.name.value.toLowerCase()));
      if (!relevant) continue;
      if (hasCacheMountWith(run, '/var/lib/apt/lists') || (hasCacheMountWith(run, '/var/lib/apt') && hasCacheMountWith(run, '/var/cache/apt'))) continue;
      const cmds = run.commands;
      const update = cmds.find((c) => cmdHasArgs(c, ['apt', 'apt-get', 'aptitude'], ['update']));
      if (!update) continue;
      if (cmds.some((c) => c.name === 'rm' && c.args.some((a) => a.value.startsWith('/var/lib/apt/lists')))) continue;
      const script = run.scripts.find((s) => s.shell.commands.includes(update))!;
      const fixes = script.kind === 'command' ? [fix('Remove /var/lib/apt/lists/* at the end of this RUN', [appendCommand(script, 'rm -rf /var/lib/apt/lists/*')], true)] : [];
      ctx.report(self, commandRange({ script, cmd: update }), undefined, fixes);
    }
  },
});

export const DL3014 = defineRule({
  id: 'DL3014',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use apt-get install -y',
  message: 'Use `apt-get install -y`: the build cannot answer apt-get\'s questions',
  doc: {
    what: '`apt-get install` without `-y` (or `--yes`, `--assume-yes`, `-qq`).',
    why: 'A build has no terminal: apt-get asks for confirmation and the RUN fails (or hangs) instead of installing.',
    bad: 'FROM debian:12\nRUN apt-get install --no-install-recommends curl=7.88.1-10+deb12u5\n',
    good: 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5\n',
    fix: 'Adds `-y` after `install`.',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'apt-get')) {
      const c = site.cmd;
      if (!isAptGetInstall(c)) continue;
      const yes = hasFlag(c, 'y', 'yes', 'qq', 'assume-yes') || countFlag(c, 'q') === 2 || countFlag(c, 'quiet') === 2 || hasArg(c, '-q=2');
      if (yes) continue;
      const install = argWord(c, 'install')!;
      const fixes = editable(site) ? [fix('Add -y', [insertAfterWord(site, install, '-y')], true)] : [];
      ctx.report(self, commandRange(site), undefined, fixes);
    }
  },
});

export const DL3015 = defineRule({
  id: 'DL3015',
  origin: 'hadolint',
  severity: 'info',
  title: 'Use --no-install-recommends',
  message: 'Avoid extra packages: add `--no-install-recommends` to apt-get install',
  doc: {
    what: '`apt-get install` without `--no-install-recommends` (or `-o APT::Install-Recommends=false`).',
    why: 'Recommended packages are not needed to run what you install and often double the size of the layer.',
    bad: 'FROM debian:12\nRUN apt-get install -y curl=7.88.1-10+deb12u5\n',
    good: 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5\n',
    fix: 'Adds `--no-install-recommends` after `install`.',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'apt-get')) {
      const c = site.cmd;
      if (!isAptGetInstall(c)) continue;
      if (hasFlag(c, 'no-install-recommends') || c.args.some((a) => a.value === 'APT::Install-Recommends=false')) continue;
      const install = argWord(c, 'install')!;
      const fixes = editable(site) ? [fix('Add --no-install-recommends', [insertAfterWord(site, install, '--no-install-recommends')], true)] : [];
      ctx.report(self, commandRange(site), undefined, fixes);
    }
  },
});

export const DL3027 = defineRule({
  id: 'DL3027',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use apt-get or apt-cache instead of apt',
  message: 'Use apt-get or apt-cache instead of apt: apt is meant for people at a terminal and its output is not stable',
  doc: {
    what: 'A RUN calls `apt`.',
    why: '`apt` warns that its command-line interface is not stable, and it shows progress bars meant for interactive use.',
    bad: 'FROM debian:12\nRUN apt install -y --no-install-recommends curl=7.88.1-10+deb12u5\n',
    good: 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5\n',
    fix: 'Replaces `apt` with `apt-get`.',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'apt')) {
      if (site.cmd.name !== 'apt') continue;
      const fixes = editable(site) && !site.cmd.nameWord.quoted
        ? [fix('Use apt-get', [replace(wordRange(site.script, site.cmd.nameWord), 'apt-get')], true)] : [];
      ctx.report(self, wordRange(site.script, site.cmd.nameWord), undefined, fixes);
    }
  },
});

export const aptRules = [DL3008, DL3009, DL3014, DL3015, DL3027];
