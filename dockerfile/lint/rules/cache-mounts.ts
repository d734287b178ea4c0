// BuildKit cache mounts for language package managers and build tools (hadolint DL3068-DL3077):
// a RUN that downloads dependencies without a cache or tmpfs mount on the tool's cache folder.
// One table, one check: each row names the tool, the commands that fill its cache, the target
// fragments a mount may cover, and the mounts the quick fix adds.
import type { Rule } from '../rule';
import { defineRule, fix } from '../define';
import { hasCacheMountWith, type RunInfo } from '../facts';
import { cmdHasArgs, type ShellCommand } from '../shell/commands';
import { commandRange, commandSites, insertRunFlags, type CommandSite } from './run-helpers';

interface CacheMountRow {
  readonly id: string;
  /** The tool's name in titles and messages. */
  readonly tool: string;
  /** Command names to look up (cheap index); `null` walks every command with `named`. */
  readonly names: readonly string[] | null;
  /** Only for `names: null`: which command names to look at. */
  readonly named?: (name: string) => boolean;
  /** The command fills the tool's cache. */
  readonly fills: (cmd: ShellCommand) => boolean;
  /** A cache or tmpfs mount whose target contains any of these quiets the rule. */
  readonly fragments: readonly string[];
  /** The mounts the message suggests and the fix adds (targets for root's home). */
  readonly mounts: readonly string[];
  /** The commands, as the docs page lists them. */
  readonly commands: string;
  /** A sentence for the docs page about where the tool's images keep the cache, if they differ. */
  readonly note?: string;
  /** The docs page's example: a base image and a RUN the rule flags. */
  readonly example: { readonly from: string; readonly run: string };
}

const cache = (target: string) => `--mount=type=cache,target=${target}`;

const rows: readonly CacheMountRow[] = [
  {
    id: 'DL3068', tool: 'npm', names: ['npm'],
    fills: (c) => cmdHasArgs(c, 'npm', ['install', 'ci', 'install-ci-test', 'it']),
    fragments: ['.npm'], mounts: [cache('/root/.npm')],
    commands: '`npm install`, `npm ci`, `npm install-ci-test` or `npm it`',
    example: { from: 'node:22', run: 'npm ci' },
  },
  {
    id: 'DL3069', tool: 'cargo', names: ['cargo'],
    fills: (c) => cmdHasArgs(c, 'cargo', ['build', 'install', 'fetch', 'test', 'check', 'clippy']),
    // hadolint accepts `.cargo`; the official rust images keep CARGO_HOME in /usr/local/cargo,
    // whose registry and git folders Docker's own docs mount, so those count too.
    fragments: ['.cargo', 'cargo/registry', 'cargo/git'], mounts: [cache('/root/.cargo/registry'), cache('/root/.cargo/git')],
    note: 'The official rust images set `CARGO_HOME=/usr/local/cargo`: there the mounts go on `/usr/local/cargo/registry` and `/usr/local/cargo/git`, which quiet the rule too.',
    commands: '`cargo build`, `install`, `fetch`, `test`, `check` or `clippy`',
    example: { from: 'rust:1.82', run: 'cargo build --release' },
  },
  {
    id: 'DL3070', tool: 'Go', names: ['go'],
    fills: (c) => cmdHasArgs(c, 'go', ['build', 'get', 'install', 'test', 'mod']),
    fragments: ['.cache/go-build', 'go/pkg/mod'], mounts: [cache('/root/.cache/go-build'), cache('/go/pkg/mod')],
    commands: '`go build`, `go get`, `go install`, `go test` or `go mod`',
    example: { from: 'golang:1.23', run: 'go build -o /app ./cmd/app' },
  },
  {
    id: 'DL3071', tool: 'Maven', names: ['mvn'],
    fills: (c) => cmdHasArgs(c, 'mvn', ['install', 'compile', 'package', 'test', 'verify', 'deploy', 'dependency:resolve']),
    fragments: ['.m2'], mounts: [cache('/root/.m2')],
    commands: '`mvn install`, `compile`, `package`, `test`, `verify`, `deploy` or `dependency:resolve`',
    example: { from: 'maven:3.9-eclipse-temurin-21', run: 'mvn -B package' },
  },
  {
    id: 'DL3072', tool: 'Gradle', names: null,
    named: (n) => n === 'gradle' || n === 'gradlew' || n.endsWith('/gradlew'),
    fills: () => true,
    fragments: ['.gradle'], mounts: [cache('/root/.gradle')],
    commands: '`gradle` or the Gradle wrapper (`gradlew`, `./gradlew`), with any arguments',
    example: { from: 'eclipse-temurin:21', run: './gradlew build' },
  },
  {
    id: 'DL3073', tool: 'Composer', names: ['composer'],
    fills: (c) => cmdHasArgs(c, 'composer', ['install', 'update', 'require']),
    fragments: ['.composer/cache'], mounts: [cache('/root/.composer/cache')],
    commands: '`composer install`, `composer update` or `composer require`',
    example: { from: 'composer:2', run: 'composer install --no-dev' },
  },
  {
    id: 'DL3074', tool: 'NuGet', names: ['dotnet', 'nuget'],
    fills: (c) => cmdHasArgs(c, 'dotnet', ['restore', 'build', 'publish', 'test']) || cmdHasArgs(c, 'nuget', ['restore']),
    fragments: ['.nuget/packages'], mounts: [cache('/root/.nuget/packages')],
    commands: '`dotnet restore`, `build`, `publish` or `test`, or `nuget restore`',
    example: { from: 'mcr.microsoft.com/dotnet/sdk:8.0', run: 'dotnet restore' },
  },
  {
    id: 'DL3075', tool: 'pnpm', names: ['pnpm'],
    fills: (c) => cmdHasArgs(c, 'pnpm', ['install', 'add', 'fetch', 'i']),
    fragments: ['pnpm'], mounts: [cache('/root/.local/share/pnpm/store')],
    commands: '`pnpm install`, `pnpm i`, `pnpm add` or `pnpm fetch`',
    example: { from: 'node:22', run: 'pnpm install --frozen-lockfile' },
  },
  {
    id: 'DL3076', tool: 'Mix', names: ['mix'],
    fills: (c) => cmdHasArgs(c, 'mix', ['deps.get', 'deps.compile', 'compile']),
    fragments: ['.hex', '.mix'], mounts: [cache('/root/.hex'), cache('/root/.mix')],
    commands: '`mix deps.get`, `mix deps.compile` or `mix compile`',
    example: { from: 'elixir:1.17', run: 'mix deps.get' },
  },
  {
    id: 'DL3077', tool: 'gem/bundler', names: ['gem', 'bundle'],
    fills: (c) => cmdHasArgs(c, 'gem', ['install']) || cmdHasArgs(c, 'bundle', ['install', 'update']),
    fragments: ['.gem', 'bundle'], mounts: [cache('/usr/local/bundle')],
    commands: '`gem install`, `bundle install` or `bundle update`',
    example: { from: 'ruby:3.3', run: 'bundle install' },
  },
];

function mountList(row: CacheMountRow): string {
  return row.mounts.map((m) => `\`${m}\``).join(' and ');
}

function cacheMountRule(row: CacheMountRow): Rule {
  const mounts = row.mounts.join(' ');
  const fragments = row.fragments.map((f) => `\`${f}\``).join(' or ');
  return defineRule({
    id: row.id,
    origin: 'hadolint',
    severity: 'info',
    title: `Use a BuildKit cache mount for ${row.tool}`,
    message: `Without a cache mount, ${row.tool} downloads everything again on each build and leaves its cache in the layer: add ${mountList(row)} to this RUN`,
    doc: {
      what: `A RUN (or ONBUILD RUN) runs ${row.commands} without a cache or tmpfs mount whose target contains ${fragments}. Reported once per RUN.`,
      why: `${row.tool} keeps what it downloads in a cache folder. Without a cache mount that folder starts empty on every build, so each change above this RUN downloads everything again, and the cache that is written ends up in the layer. A BuildKit cache mount keeps it on the builder between builds and out of the image.\n\n`
        + 'The suggested targets are for root. When the stage runs as another USER, its cache lives under that user\'s home (`$HOME`), so change the target to match. '
        + (row.note ? `${row.note} ` : '')
        + 'Cache mounts need BuildKit: Berth\'s builder and Docker\'s BuildKit support them; the legacy builder (`DOCKER_BUILDKIT=0`) rejects `--mount`.',
      bad: `FROM ${row.example.from}\nRUN ${row.example.run}\n`,
      good: `FROM ${row.example.from}\nRUN ${mounts} ${row.example.run}\n`,
      fix: `Adds ${mountList(row)} to the RUN. It is not the preferred fix: the target assumes root's home, so check it first when the stage runs as another USER.`,
    },
    check(ctx, self) {
      const sites = row.names ? commandSites(ctx, ...row.names) : ctx.facts.sitesWhere(row.named!);
      const seen = new Set<RunInfo>();
      for (const site of sites) {
        if (seen.has(site.run) || !row.fills(site.cmd)) continue;
        seen.add(site.run);
        if (row.fragments.some((f) => hasCacheMountWith(site.run, f))) continue;
        ctx.report(self, commandRange(site), undefined, [fixFor(row, site)]);
      }
    },
  });
}

function fixFor(row: CacheMountRow, site: CommandSite) {
  return fix(`Add a BuildKit cache mount for ${row.tool}`, [insertRunFlags(site.run.run, row.mounts)], false);
}

export const cacheMountRules: readonly Rule[] = rows.map(cacheMountRule);
