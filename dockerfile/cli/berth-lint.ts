// berth-lint FILE...: lint Dockerfiles from the command line the way hadolint does (its config,
// its environment variables, its pragmas, its output formats), with Berth's rules, and SARIF for CI.
// Settings come in hadolint's layers: HADOLINT_* variables, then the config file, then the
// command line; single values from the highest layer that sets them, lists from all of them.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { dockerignoreMatcher } from '../ignore/dockerignore';
import { findHadolintConfig, parseHadolintConfig } from '../lint/hadolint-config';
import { lint } from '../lint/linter';
import { runShellcheck, ShellcheckUnavailable } from '../lint/shellcheck';
import type { DockerignoreMatcher, Finding, HadolintConfig, Severity, SeverityOrOff } from '../lint/types';
import { parseDockerfile } from '../syntax/parser';
import { isFormat, parseArgs, usage, UsageError, FORMATS, type CliArgs, type Format } from './args';
import { readHadolintEnvironment, type EnvironmentSettings } from './environment';
import {
  formatCheckstyle, formatCodeclimate, formatGitlabCodeclimate, formatGnu, formatJson, formatSarif, formatTty, type FileFindings,
} from './formats';
import { version } from '../../package.json';

export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: () => string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTty: boolean;
}

const rank: Record<SeverityOrOff, number> = { error: 4, warning: 3, info: 2, style: 1, ignore: 0 };

/** Runs berth-lint; resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`berth-lint: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (args.help) { io.stdout(`${usage}\n`); return 0; }
  if (args.version) { io.stdout(`berth-lint ${version}\n`); return 0; }

  const environment = readHadolintEnvironment(io.env);
  if (environment.problems.length) {
    io.stderr(environment.problems.map((p) => `berth-lint: ${p}\n`).join(''));
    return 2;
  }
  const loaded = loadConfig(args, io, environment.settings);
  if ('error' in loaded) { io.stderr(loaded.error); return 2; }
  const config = loaded.config;
  const env = environment.settings;
  const configFormat = config.format;
  if (configFormat !== undefined && !isFormat(configFormat)) {
    io.stderr(`berth-lint: the config's "format" is "${configFormat}"; use one of ${FORMATS.join(', ')}\n`);
    return 2;
  }
  const format: Format = args.format ?? (configFormat as Format | undefined) ?? env.format ?? 'tty';
  const verbose = args.verbose || (config.verbose ?? env.verbose ?? false);
  if (verbose) {
    io.stderr(`berth-lint: config file: ${loaded.file ?? 'none'}\n`);
    io.stderr(`berth-lint: environment: ${env.used.length ? env.used.join(', ') : 'no HADOLINT_* variables'}\n`);
    io.stderr(`berth-lint: format ${format}, failure threshold ${args.failureThreshold ?? config.failureThreshold ?? 'info'}, ignored [${(config.ignored ?? []).join(', ')}], override ${JSON.stringify(config.override ?? {})}, trusted registries [${(config.trustedRegistries ?? []).join(', ')}], label schema ${JSON.stringify(config.labelSchema ?? {})}, strict labels ${config.strictLabels ?? false}, ignore pragmas ${config.disableIgnorePragma ? 'disabled' : 'enabled'}\n`);
  }

  const results: FileFindings[] = [];
  let failed = false;
  let shellcheck = args.shellcheck;
  for (const file of args.files) {
    let text: string;
    try {
      text = file === '-' ? io.stdin() : readFileSync(path.resolve(io.cwd, file), 'utf8');
    } catch (e) {
      io.stderr(`berth-lint: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      failed = true;
      continue;
    }
    const ast = parseDockerfile(text);
    const options = { hadolint: config, dockerignore: file === '-' ? undefined : dockerignoreFor(path.resolve(io.cwd, file)) };
    const findings: Finding[] = lint(ast, options);
    if (shellcheck) {
      try {
        findings.push(...await runShellcheck(ast, { ...options, executable: shellcheck }));
      } catch (e) {
        if (!(e instanceof ShellcheckUnavailable)) throw e;
        io.stderr(`berth-lint: ${e.message}; ShellCheck findings (SC…) are left out\n`);
        shellcheck = false;
      }
    }
    findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    results.push({ file, findings });
  }

  const noColor = args.noColor || (config.noColor ?? env.noColor ?? false);
  const reportName = args.filePathInReport;
  switch (format) {
    case 'json': io.stdout(formatJson(results)); break;
    case 'sarif': io.stdout(formatSarif(results, { version })); break;
    case 'checkstyle': io.stdout(formatCheckstyle(results, reportName)); break;
    case 'codeclimate': io.stdout(formatCodeclimate(results, reportName)); break;
    case 'gitlab_codeclimate': io.stdout(formatGitlabCodeclimate(results, reportName)); break;
    case 'gnu': io.stdout(formatGnu(results)); break;
    default: io.stdout(formatTty(results, io.isTty && !noColor));
  }

  if (failed) return 2;
  // Code Climate runs engines that must exit 0 (hadolint does the same).
  if (format === 'codeclimate') return 0;
  if (args.noFail || (config.noFail ?? env.noFail ?? false)) return 0;
  const threshold = args.failureThreshold ?? config.failureThreshold ?? env.failureThreshold ?? 'info';
  if (threshold === 'none') return 0;
  const fails = results.some((r) => r.findings.some((f) => rank[f.severity] >= rank[threshold]));
  return fails ? 1 : 0;
}

/** The environment, then the config file (explicit or found as hadolint finds it), then the
 *  command line: single values from the highest layer that has one, lists joined. */
function loadConfig(args: CliArgs, io: CliIo, env: EnvironmentSettings): { config: HadolintConfig; file: string | null } | { error: string } {
  let file: string | null = null;
  if (args.config) {
    file = path.resolve(io.cwd, args.config);
    if (!existsSync(file)) return { error: `berth-lint: config file ${args.config} does not exist\n` };
  } else {
    file = findHadolintConfig(io.cwd, io.env);
  }
  let config: HadolintConfig = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return { error: `berth-lint: cannot read config ${file}: ${(e as Error).message}\n` };
    }
    const parsed = parseHadolintConfig(text, file);
    if (parsed.problems.length) return { error: parsed.problems.map((p) => `berth-lint: ${p}\n`).join('') };
    config = parsed.config;
  }
  const levels = ['error', 'warning', 'info', 'style'] as const;
  const override: Partial<Record<Severity, readonly string[]>> = {};
  for (const l of levels) {
    const joined = [...env.override[l], ...(config.override?.[l] ?? []), ...(args.override[l] ?? [])];
    if (joined.length) override[l] = joined;
  }
  const trusted = [...env.trustedRegistries, ...(config.trustedRegistries ?? []), ...args.trustedRegistries];
  const labelSchema = { ...env.labelSchema, ...config.labelSchema, ...args.requireLabels };
  const strictLabels = args.strictLabels || (config.strictLabels ?? env.strictLabels ?? false);
  const disableIgnorePragma = args.disableIgnorePragma || (config.disableIgnorePragma ?? env.disableIgnorePragma ?? false);
  return {
    file,
    config: {
      ...config,
      // --ignore replaces the other lists, as hadolint's help says.
      ignored: args.ignore ?? [...env.ignored, ...(config.ignored ?? [])],
      ...(Object.keys(override).length ? { override } : {}),
      ...(trusted.length ? { trustedRegistries: trusted } : {}),
      ...(Object.keys(labelSchema).length ? { labelSchema } : {}),
      ...(strictLabels ? { strictLabels } : {}),
      ...(disableIgnorePragma ? { disableIgnorePragma } : {}),
    },
  };
}

/** `<Dockerfile>.dockerignore` next to the file, else `.dockerignore` there (BuildKit's order). */
function dockerignoreFor(dockerfile: string): DockerignoreMatcher | undefined {
  const dir = path.dirname(dockerfile);
  for (const f of [`${dockerfile}.dockerignore`, path.join(dir, '.dockerignore')]) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    return dockerignoreMatcher(text);
  }
  return undefined;
}

if (require.main === module) {
  // Interrupted, exit through process.exit so a running ShellCheck is stopped and its temporary
  // folder removed (the 'exit' hook in shellcheck-process.ts).
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdin: () => readFileSync(0, 'utf8'),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: !!process.stdout.isTTY,
  }).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`berth-lint: internal error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 2;
  });
}
