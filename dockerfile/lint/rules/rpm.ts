// RPM package managers in RUN (yum, dnf/microdnf, zypper): non-interactive flags, cache
// cleanup in the same layer, version pinning.
import type { RuleContext } from '../rule';
import type { Rule } from '../rule';
import { defineRule, fix } from '../define';
import { hasCacheMountWith, type RunInfo } from '../facts';
import { argsNoFlags, cmdHasArgs, hasFlag, type ShellCommand } from '../shell/commands';
import { appendCommand, argWord, commandRange, commandSites, editable, insertAfterWord, wordRange } from './run-helpers';

/** Report a missing `-y` style flag, offering to add `flag` after the subcommand. */
function needsYes(ctx: RuleContext, self: Rule, names: string[], isInstall: (c: ShellCommand) => boolean, yes: string[], subcommands: string[]) {
  for (const site of commandSites(ctx, ...names)) {
    const c = site.cmd;
    if (!isInstall(c) || hasFlag(c, ...yes)) continue;
    const sub = argWord(c, ...subcommands);
    const fixes = editable(site) && sub ? [fix('Add -y', [insertAfterWord(site, sub, '-y')], true)] : [];
    ctx.report(self, commandRange(site), undefined, fixes);
  }
}

/** Report an install not followed by a clean in the same RUN; the fix appends `cleanup`. */
function needsClean(ctx: RuleContext, self: Rule, opts: {
  install: (c: ShellCommand) => boolean;
  clean: (c: ShellCommand, install: ShellCommand) => boolean;
  cacheMounts: string[];
  cleanup: (install: ShellCommand) => string;
}) {
  for (const run of ctx.facts.runs) {
    // Most RUNs install nothing with this manager: that is the cheap question, asked first.
    const cmds = run.commands;
    const i = cmds.findIndex(opts.install);
    if (i === -1) continue;
    if (opts.cacheMounts.some((m) => hasCacheMountWith(run, m))) continue;
    const install = cmds[i];
    const j = cmds.findIndex((c) => opts.clean(c, install));
    if (j > i) continue;
    report(ctx, self, run, install, opts.cleanup(install));
  }
}

function report(ctx: RuleContext, self: Rule, run: RunInfo, cmd: ShellCommand, cleanup: string) {
  const script = run.scripts.find((s) => s.shell.commands.includes(cmd))!;
  const last = run.scripts[run.scripts.length - 1];
  const fixes = last.kind !== 'exec' ? [fix(`Append ${cleanup}`, [appendCommand(last, cleanup)], true)] : [];
  ctx.report(self, commandRange({ script, cmd }), undefined, fixes);
}

const versionChar = /^[0-9A-Za-z.~^_:+]*$/;

/** `name-1.2.3` style versions (yum/dnf), hadolint's reading. */
function rpmVersionFixed(pkg: string, declared: () => ReadonlySet<string>): boolean {
  if (pkg.endsWith('.rpm')) return true;
  const parts = pkg.split('-');
  if (parts.length <= 1) return false;
  if (pkg.includes('$')) return [...pkg.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].some((m) => declared().has(m[1]));
  const rest = parts.slice(1);
  return rest.every((p) => versionChar.test(p)) && rest.some((p) => /^[0-9]/.test(p));
}

/** ARG and ENV names, read on first use (only versions written with a variable need them). */
function declaredNames(ctx: RuleContext): () => Set<string> {
  let out: Set<string> | null = null;
  return () => {
    if (out) return out;
    out = new Set<string>();
    for (const i of ctx.ast.instructions) {
      if (i.keyword !== 'ARG' && i.keyword !== 'ENV') continue;
      for (const w of i.words) out.add(w.value.split('=')[0]);
    }
    return out;
  };
}

const yumInstall = (c: ShellCommand) => cmdHasArgs(c, 'yum', ['install', 'groupinstall', 'localinstall']);
const dnfNames = ['dnf', 'microdnf'];
const dnfInstall = (c: ShellCommand) => cmdHasArgs(c, dnfNames, ['install', 'groupinstall', 'localinstall']);
const zypperInstall = (c: ShellCommand) => cmdHasArgs(c, 'zypper', ['install', 'in', 'remove', 'rm', 'source-install', 'si', 'patch']);

export const DL3030 = defineRule({
  id: 'DL3030',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use yum install -y',
  message: 'Use `yum install -y`: the build cannot answer yum\'s questions',
  doc: {
    what: '`yum install` (or groupinstall, localinstall) without `-y` / `--assumeyes`.',
    why: 'Without a terminal yum cannot ask for confirmation and the RUN fails.',
    bad: 'FROM centos:7\nRUN yum install httpd-2.4.6 && yum clean all\n',
    good: 'FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n',
    fix: 'Adds `-y` after the subcommand.',
  },
  check(ctx, self) {
    needsYes(ctx, self, ['yum'], yumInstall, ['y', 'assumeyes'], ['install', 'groupinstall', 'localinstall']);
  },
});

export const DL3032 = defineRule({
  id: 'DL3032',
  origin: 'hadolint',
  severity: 'warning',
  title: '`yum clean all` missing',
  message: '`yum clean all` is missing after yum install in this RUN',
  doc: {
    what: 'A RUN installs with yum but does not run `yum clean all` (or remove `/var/cache/yum`) afterwards.',
    why: "yum's cache stays in the layer and makes the image bigger for nothing.",
    bad: 'FROM centos:7\nRUN yum install -y httpd-2.4.6\n',
    good: 'FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n',
    fix: 'Appends `&& yum clean all` to the RUN.',
  },
  check(ctx, self) {
    needsClean(ctx, self, {
      install: (c) => cmdHasArgs(c, 'yum', ['install']),
      clean: (c) => cmdHasArgs(c, 'yum', ['clean']) && c.args.some((a) => a.value === 'all') || (c.name === 'rm' && c.args.some((a) => a.value.startsWith('/var/cache/yum'))),
      cacheMounts: ['/var/cache/yum'],
      cleanup: () => 'yum clean all',
    });
  },
});

export const DL3033 = defineRule({
  id: 'DL3033',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Pin versions in yum install',
  message: 'Pin versions in yum install: write `yum install -y <package>-<version>`',
  doc: {
    what: '`yum install` names a package without a version (`httpd-2.4.6`), or `yum module install` a module without a stream (`nodejs:18`).',
    why: 'Unpinned packages make rebuilds produce different images.',
    bad: 'FROM centos:7\nRUN yum install -y httpd && yum clean all\n',
    good: 'FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n',
  },
  check(ctx, self) {
    const declared = declaredNames(ctx);
    for (const site of commandSites(ctx, 'yum')) {
      const c = site.cmd;
      if (!cmdHasArgs(c, 'yum', ['install'])) continue;
      const isModule = cmdHasArgs(c, 'yum', ['module']);
      for (const w of argsNoFlags(c)) {
        if (w.value === 'install' || w.value === 'module') continue;
        const ok = isModule ? w.value.includes(':') : rpmVersionFixed(w.value, declared);
        if (!ok) ctx.report(self, wordRange(site.script, w), `Pin the version of "${w.value}": \`yum install -y ${w.value}-<version>\``);
      }
    }
  },
});

export const DL3034 = defineRule({
  id: 'DL3034',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use zypper non-interactively',
  message: 'Non-interactive switch missing from zypper: use `zypper install -y`',
  doc: {
    what: '`zypper install` (in, remove, rm, source-install, si, patch) without `-y`, `--no-confirm`, `-n` or `--non-interactive`.',
    why: 'zypper asks for confirmation, which a build cannot give.',
    bad: 'FROM opensuse/leap:15.5\nRUN zypper install httpd=2.4.51 && zypper clean\n',
    good: 'FROM opensuse/leap:15.5\nRUN zypper install -y httpd=2.4.51 && zypper clean\n',
    fix: 'Adds `-y` after the subcommand.',
  },
  check(ctx, self) {
    needsYes(ctx, self, ['zypper'], zypperInstall, ['non-interactive', 'n', 'no-confirm', 'y'], ['install', 'in', 'remove', 'rm', 'source-install', 'si', 'patch']);
  },
});

export const DL3035 = defineRule({
  id: 'DL3035',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Do not use zypper dist-upgrade',
  message: 'Do not use `zypper dist-upgrade` in a Dockerfile: upgrade the base image instead',
  doc: {
    what: 'A RUN calls `zypper dist-upgrade` (or `dup`).',
    why: 'A distribution upgrade inside a build gives an image that matches no released base image and changes on every rebuild.',
    bad: 'FROM opensuse/leap:15.5\nRUN zypper dist-upgrade -y\n',
    good: 'FROM opensuse/leap:15.6\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'zypper')) {
      if (cmdHasArgs(site.cmd, 'zypper', ['dist-upgrade', 'dup'])) ctx.report(self, commandRange(site));
    }
  },
});

export const DL3036 = defineRule({
  id: 'DL3036',
  origin: 'hadolint',
  severity: 'warning',
  title: '`zypper clean` missing',
  message: '`zypper clean` is missing after zypper install in this RUN',
  doc: {
    what: 'A RUN installs with zypper but does not run `zypper clean` (or `cc`) afterwards.',
    why: "zypper's package cache stays in the layer.",
    bad: 'FROM opensuse/leap:15.5\nRUN zypper install -y httpd=2.4.51\n',
    good: 'FROM opensuse/leap:15.5\nRUN zypper install -y httpd=2.4.51 && zypper clean\n',
    fix: 'Appends `&& zypper clean` to the RUN.',
  },
  check(ctx, self) {
    needsClean(ctx, self, {
      install: (c) => cmdHasArgs(c, 'zypper', ['install', 'in']),
      clean: (c) => cmdHasArgs(c, 'zypper', ['clean', 'cc']),
      cacheMounts: ['/var/cache/zypp'],
      cleanup: () => 'zypper clean',
    });
  },
});

export const DL3037 = defineRule({
  id: 'DL3037',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Pin versions in zypper install',
  message: 'Pin versions in zypper install: write `zypper install -y <package>=<version>`',
  doc: {
    what: '`zypper install` names a package without a version constraint (`=`, `>=`, `<`…) or an `.rpm` file.',
    why: 'Unpinned packages make rebuilds produce different images.',
    bad: 'FROM opensuse/leap:15.5\nRUN zypper install -y httpd && zypper clean\n',
    good: 'FROM opensuse/leap:15.5\nRUN zypper install -y httpd=2.4.51 && zypper clean\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'zypper')) {
      const c = site.cmd;
      if (!cmdHasArgs(c, 'zypper', ['install', 'in'])) continue;
      for (const w of argsNoFlags(c)) {
        if (w.value === 'install' || w.value === 'in') continue;
        if (/[=<>]/.test(w.value) || w.value.endsWith('.rpm')) continue;
        ctx.report(self, wordRange(site.script, w), `Pin the version of "${w.value}": \`zypper install -y ${w.value}=<version>\``);
      }
    }
  },
});

export const DL3038 = defineRule({
  id: 'DL3038',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use dnf install -y',
  message: 'Use `dnf install -y`: the build cannot answer dnf\'s questions',
  doc: {
    what: '`dnf`/`microdnf install` (groupinstall, localinstall) without `-y` / `--assumeyes`.',
    why: 'Without a terminal dnf cannot ask for confirmation and the RUN fails.',
    bad: 'FROM fedora:40\nRUN dnf install httpd-2.4.62 && dnf clean all\n',
    good: 'FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n',
    fix: 'Adds `-y` after the subcommand.',
  },
  check(ctx, self) {
    needsYes(ctx, self, dnfNames, dnfInstall, ['y', 'assumeyes'], ['install', 'groupinstall', 'localinstall']);
  },
});

const dnfInstallWords = ['install', 'in', 'upgrade', 'up', 'upgrade-minimal', 'up-min', 'reinstall', 'rei'];

export const DL3040 = defineRule({
  id: 'DL3040',
  origin: 'hadolint',
  severity: 'warning',
  title: '`dnf clean all` missing',
  message: '`dnf clean all` is missing after dnf install in this RUN',
  doc: {
    what: 'A RUN installs or upgrades with dnf/microdnf but does not run `dnf clean all` (or remove `/var/cache/libdnf5*`) afterwards.',
    why: "dnf's metadata and package cache stay in the layer.",
    bad: 'FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n',
    good: 'FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n',
    fix: 'Appends `&& dnf clean all` (or `microdnf clean all`) to the RUN.',
  },
  check(ctx, self) {
    needsClean(ctx, self, {
      install: (c) => cmdHasArgs(c, dnfNames, dnfInstallWords),
      clean: (c, install) => (c.name === install.name && cmdHasArgs(c, install.name, ['clean']) && c.args.some((a) => a.value === 'all'))
        || (c.name === 'rm' && c.args.some((a) => a.value.startsWith('/var/cache/libdnf5') || a.value.startsWith('/var/cache/dnf'))),
      cacheMounts: ['/var/cache/libdnf5', '.cache/libdnf5', '/var/cache/dnf'],
      cleanup: (install) => `${install.name} clean all`,
    });
  },
});

export const DL3041 = defineRule({
  id: 'DL3041',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Pin versions in dnf install',
  message: 'Pin versions in dnf install: write `dnf install -y <package>-<version>`',
  doc: {
    what: '`dnf install` names a package without a version (`httpd-2.4.62`), or `dnf module install` a module without a stream.',
    why: 'Unpinned packages make rebuilds produce different images.',
    bad: 'FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n',
    good: 'FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n',
  },
  check(ctx, self) {
    const declared = declaredNames(ctx);
    for (const site of commandSites(ctx, 'dnf', 'microdnf')) {
      const c = site.cmd;
      if (!cmdHasArgs(c, dnfNames, ['install'])) continue;
      if (cmdHasArgs(c, dnfNames, ['group'])) continue;
      const isModule = cmdHasArgs(c, dnfNames, ['module']);
      for (const w of argsNoFlags(c)) {
        if (w.value === 'install' || w.value === 'module') continue;
        const ok = isModule ? w.value.includes(':') : rpmVersionFixed(w.value, declared);
        if (!ok) ctx.report(self, wordRange(site.script, w), `Pin the version of "${w.value}": \`${c.name} install -y ${w.value}-<version>\``);
      }
    }
  },
});

export const rpmRules = [DL3030, DL3032, DL3033, DL3034, DL3035, DL3036, DL3037, DL3038, DL3040, DL3041];
