// apk and language package managers in RUN (pip, npm, gem, yarn, go): pinning and caches.
import type { RuleContext } from '../rule';
import { defineRule, fix } from '../define';
import { hasCacheMountWith } from '../facts';
import { argsNoFlags, cmdHasArgs, hasFlag, type ShellCommand } from '../shell/commands';
import { pairsOf } from '../views';
import { appendCommand, argWord, commandRange, commandSites, editable, insertAfterWord, wordRange } from './run-helpers';

export const DL3018 = defineRule({
  id: 'DL3018',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Pin versions in apk add',
  message: 'Pin versions in apk add: write `apk add <package>=<version>`',
  doc: {
    what: '`apk add` names a package without a version constraint (`=`, `~`, `>`, `<`) or an `.apk` file.',
    why: 'Unpinned packages make rebuilds produce different images.',
    bad: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n',
    good: 'FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'apk')) {
      if (!cmdHasArgs(site.cmd, 'apk', ['add'])) continue;
      for (const w of argsNoFlags(site.cmd, ['t', 'virtual', 'repository', 'X'])) {
        if (w.value === 'add' || /[=~<>]/.test(w.value) || w.value.endsWith('.apk')) continue;
        ctx.report(self, wordRange(site.script, w), `Pin the version of "${w.value}": \`apk add ${w.value}=<version>\``);
      }
    }
  },
});

export const DL3019 = defineRule({
  id: 'DL3019',
  origin: 'hadolint',
  severity: 'info',
  title: 'Use apk add --no-cache',
  message: 'Use `apk add --no-cache` instead of `--update` and removing /var/cache/apk/* afterwards',
  doc: {
    what: '`apk add` without `--no-cache` (and no cache mount on /var/cache/apk).',
    why: "apk's index and package cache stay in the layer unless you remove them; `--no-cache` never writes them.",
    bad: 'FROM alpine:3.20\nRUN apk add curl=8.9.1-r0\n',
    good: 'FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n',
    fix: 'Adds `--no-cache` after `add`.',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'apk')) {
      const c = site.cmd;
      if (!cmdHasArgs(c, 'apk', ['add']) || hasFlag(c, 'no-cache') || hasCacheMountWith(site.run, '/var/cache/apk')) continue;
      const add = argWord(c, 'add')!;
      const fixes = editable(site) ? [fix('Add --no-cache', [insertAfterWord(site, add, '--no-cache')], true)] : [];
      ctx.report(self, commandRange(site), undefined, fixes);
    }
  },
});

/** A command name isPipInstall can accept: pip*, python* (not pipenv, pipx). */
function isPipName(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return (base.startsWith('pip') && !base.startsWith('pipenv') && !base.startsWith('pipx')) || base.startsWith('python');
}

function isPipInstall(c: ShellCommand): boolean {
  const base = c.name.slice(c.name.lastIndexOf('/') + 1);
  if (base.startsWith('pip') && !base.startsWith('pipenv') && !base.startsWith('pipx')) return c.args.some((a) => a.value === 'install');
  if (base.startsWith('python')) {
    const args = c.args;
    for (let i = 0; i + 2 < args.length; i++) if (args[i].value === '-m' && args[i + 1].value === 'pip' && args[i + 2].value === 'install') return true;
  }
  return false;
}

const pipValueFlags = ['abi', 'b', 'build', 'e', 'editable', 'extra-index-url', 'f', 'find-links', 'i', 'index-url', 'implementation',
  'no-binary', 'only-binary', 'platform', 'prefix', 'progress-bar', 'proxy', 'python', 'python-version', 'root', 'root-user-action',
  'src', 't', 'target', 'trusted-host', 'upgrade-strategy'];
const vcsPrefixes = ['git+', 'hg+', 'svn+', 'bzr+', 'git', 'svn'];

function pipPackageFixed(p: string): boolean {
  if (['==', '>=', '<=', '>', '<', '!=', '~=', '==='].some((s) => p.includes(s))) return true;
  const vcs = vcsPrefixes.some((v) => p.startsWith(v)) && p.includes('://');
  if (vcs) return p.includes('@');
  if (p.endsWith('.whl') || p.endsWith('.tar.gz')) return true;
  return p.includes('/');
}

export const DL3013 = defineRule({
  id: 'DL3013',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Pin versions in pip install',
  message: 'Pin versions in pip: write `pip install <package>==<version>` or use `pip install -r <requirements file>`',
  doc: {
    what: '`pip install` (or `python -m pip install`) names a package without a version specifier, unless it installs from a requirements file, a constraints file, a path or a wheel.',
    why: 'Unpinned packages make rebuilds produce different images.',
    bad: 'FROM python:3.12\nRUN pip install --no-cache-dir flask\n',
    good: 'FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.3\n',
  },
  check(ctx, self) {
    for (const site of ctx.facts.sitesWhere(isPipName)) {
      const c = site.cmd;
      if (!isPipInstall(c)) continue;
      const args = c.args.map((a) => a.value);
      if (hasFlag(c, 'constraint', 'c', 'requirement', 'r') || args.includes('.')) continue;
      const words = argsNoFlags(c, pipValueFlags);
      const start = words.findIndex((w) => w.value === 'install');
      for (const w of words.slice(start + 1)) {
        if (w.value === 'install' || pipPackageFixed(w.value)) continue;
        ctx.report(self, wordRange(site.script, w), `Pin the version of "${w.value}": \`pip install ${w.value}==<version>\``);
      }
    }
  },
});

const truthy = new Set(['1', 'true', 'on', 'yes']);

export const DL3042 = defineRule({
  id: 'DL3042',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Use pip install --no-cache-dir',
  message: "Avoid pip's cache directory in the image: use `pip install --no-cache-dir`",
  doc: {
    what: '`pip install` without `--no-cache-dir`, when neither `PIP_NO_CACHE_DIR` is set (ENV in the stage or its parents, or on the command) nor a cache mount covers `.cache/pip`.',
    why: "pip keeps every downloaded wheel in ~/.cache/pip, which then stays in the layer.",
    bad: 'FROM python:3.12\nRUN pip install flask==3.0.3\n',
    good: 'FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.3\n',
    fix: 'Adds `--no-cache-dir` after `install`.',
  },
  check(ctx, self) {
    let envOff: Set<number> | null = null;
    for (const site of ctx.facts.sitesWhere(isPipName)) {
      const c = site.cmd;
      if (!isPipInstall(c) || c.args.some((a) => a.value === '--no-cache-dir')) continue;
      envOff ??= stagesWithEnv(ctx, 'PIP_NO_CACHE_DIR');
      if (envOff.has(site.run.stageIndex) || hasCacheMountWith(site.run, '.cache/pip')) continue;
      if (site.run.commands.some((x) => x.assignments.some((a) => /^PIP_NO_CACHE_DIR=/.test(a.value) && truthy.has(a.value.split('=')[1].toLowerCase())))) continue;
      if (/PIP_NO_CACHE_DIR=(1|true|on|yes)\b/i.test(site.script.source.text)) continue;
      const install = argWord(c, 'install')!;
      const fixes = editable(site) ? [fix('Add --no-cache-dir', [insertAfterWord(site, install, '--no-cache-dir')], true)] : [];
      ctx.report(self, commandRange(site), undefined, fixes);
    }
  },
});

/** Stages (by index, -1 included) where ENV sets `name` truthy, inherited by stages built FROM them. */
function stagesWithEnv(ctx: RuleContext, name: string): Set<number> {
  const out = new Set<number>();
  for (const stage of ctx.ast.stages) {
    const parent = ctx.facts.parentStage(stage);
    if (parent && out.has(parent.index)) out.add(stage.index);
    for (const i of stage.instructions) {
      if (i.keyword !== 'ENV') continue;
      for (const p of pairsOf(i)) if (p.key === name && truthy.has(p.value.toLowerCase())) out.add(stage.index);
    }
  }
  return out;
}

function npmPackageFixed(p: string): boolean {
  if (['git://', 'git+ssh://', 'git+http://', 'git+https://'].some((g) => p.startsWith(g))) return p.includes('#');
  if (['.tar', '.tar.gz', '.tgz'].some((s) => p.endsWith(s))) return true;
  if (['/', './', '../', '~/'].some((s) => p.startsWith(s))) return true;
  const name = p.startsWith('@') ? p.slice(p.indexOf('/') + 1) : p;
  return name.includes('@');
}

export const DL3016 = defineRule({
  id: 'DL3016',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Pin versions in npm install',
  message: 'Pin versions in npm: write `npm install <package>@<version>`',
  doc: {
    what: '`npm install <package>` without `@<version>` (git URLs need `#<ref>`; tarballs and folders are fine). `npm install` with no package (from package.json) is fine.',
    why: 'Unpinned packages make rebuilds produce different images.',
    bad: 'FROM node:22\nRUN npm install -g typescript\n',
    good: 'FROM node:22\nRUN npm install -g typescript@5.6.3\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'npm')) {
      const c = site.cmd;
      if (!cmdHasArgs(c, 'npm', ['install'])) continue;
      const words = argsNoFlags(c, ['loglevel', 'registry']);
      if (words[0]?.value !== 'install') continue;
      for (const w of words.slice(1)) {
        if (npmPackageFixed(w.value)) continue;
        ctx.report(self, wordRange(site.script, w), `Pin the version of "${w.value}": \`npm install ${w.value}@<version>\``);
      }
    }
  },
});

export const DL3028 = defineRule({
  id: 'DL3028',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Pin versions in gem install',
  message: 'Pin versions in gem install: write `gem install <gem>:<version>`',
  doc: {
    what: '`gem install <gem>` without `:<version>` and without `-v`/`--version`.',
    why: 'Unpinned gems make rebuilds produce different images.',
    bad: 'FROM ruby:3.3\nRUN gem install bundler\n',
    good: 'FROM ruby:3.3\nRUN gem install bundler:2.5.22\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'gem')) {
      const c = site.cmd;
      if (!cmdHasArgs(c, 'gem', ['install', 'i'])) continue;
      if (c.args.some((a) => a.value === '-v' || a.value === '--version' || a.value.startsWith('--version='))) continue;
      const args = c.args;
      for (let i = 0; i < args.length; i++) {
        const v = args[i].value;
        if (v === '--') break;
        if (v.startsWith('-')) { i++; continue; }
        if (v === 'install' || v === 'i' || v.includes(':')) continue;
        ctx.report(self, wordRange(site.script, args[i]), `Pin the version of "${v}": \`gem install ${v}:<version>\``);
      }
    }
  },
});

export const DL3060 = defineRule({
  id: 'DL3060',
  origin: 'hadolint',
  severity: 'info',
  title: '`yarn cache clean` missing',
  message: '`yarn cache clean` is missing after `yarn install` in this RUN',
  doc: {
    what: 'A RUN runs `yarn install` without `yarn cache clean` after it (and no cache mount on `.cache/yarn`). Only stages that end up in an image are checked.',
    why: "yarn's cache holds a copy of every package and stays in the layer.",
    bad: 'FROM node:22\nRUN yarn install\n',
    good: 'FROM node:22\nRUN yarn install && yarn cache clean\n',
    fix: 'Appends `&& yarn cache clean` to the RUN.',
  },
  check(ctx, self) {
    const ast = ctx.ast;
    const usedAsBase = new Set(ast.stages.map((s) => s.base?.value.toLowerCase()).filter((x): x is string => !!x));
    const lastStage = ast.stages.length - 1;
    const isInstall = (c: ShellCommand) => cmdHasArgs(c, 'yarn', ['install']);
    const isClean = (c: ShellCommand) => c.name === 'yarn' && c.args[0]?.value === 'cache' && c.args[1]?.value === 'clean';
    for (const run of ctx.facts.runs) {
      const stage = ast.stages[run.stageIndex];
      if (!(run.stageIndex === lastStage || run.stageIndex < 0 || (stage?.name && usedAsBase.has(stage.name.value.toLowerCase())))) continue;
      if (hasCacheMountWith(run, '.cache/yarn')) continue;
      const i = run.commands.findIndex(isInstall);
      if (i === -1) continue;
      const j = run.commands.findIndex(isClean);
      if (j > i) continue;
      const cmd = run.commands[i];
      const script = run.scripts.find((s) => s.shell.commands.includes(cmd))!;
      const last = run.scripts[run.scripts.length - 1];
      const fixes = last.kind !== 'exec' ? [fix('Append yarn cache clean', [appendCommand(last, 'yarn cache clean')], true)] : [];
      ctx.report(self, commandRange({ script, cmd }), undefined, fixes);
    }
  },
});

export const DL3062 = defineRule({
  id: 'DL3062',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Pin versions in go install',
  message: 'Pin versions in go: write `go install <package>@<version>`',
  doc: {
    what: '`go install`, `go get` or `go run` names a package without `@<version>`, or with `@latest`/`@none`. Local paths are fine.',
    why: 'Unpinned modules make rebuilds produce different binaries.',
    bad: 'FROM golang:1.23\nRUN go install golang.org/x/tools/gopls@latest\n',
    good: 'FROM golang:1.23\nRUN go install golang.org/x/tools/gopls@v0.16.2\n',
  },
  check(ctx, self) {
    for (const site of commandSites(ctx, 'go')) {
      const c = site.cmd;
      if (c.name !== 'go') continue;
      const words = argsNoFlags(c);
      const sub = words[0]?.value;
      let pkgs = [] as typeof words;
      if (sub === 'run') pkgs = words.slice(1, 2);
      else if (sub === 'install' || sub === 'get') pkgs = words.slice(1).filter((w) => w.value !== 'tool');
      for (const w of pkgs) {
        const p = w.value;
        const local = p === '.' || p.startsWith('/') || p.startsWith('.');
        if (local || (p.includes('@') && !p.endsWith('@latest') && !p.endsWith('@none'))) continue;
        ctx.report(self, wordRange(site.script, w), `Pin the version of "${p}": \`go ${sub} ${p.split('@')[0]}@<version>\``);
      }
    }
  },
});

export const packageRules = [DL3018, DL3019, DL3013, DL3042, DL3016, DL3028, DL3060, DL3062];
