// berth-lint FILE...: lint Dockerfiles from the command line the way hadolint does (its config,
// its pragmas, its tty and JSON output), with Berth's rules, and SARIF for CI.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { dockerignoreMatcher } from '../ignore/dockerignore';
import { findHadolintConfig, parseHadolintConfig } from '../lint/hadolint-config';
import { lint } from '../lint/linter';
import { runShellcheck, ShellcheckUnavailable } from '../lint/shellcheck';
import type { DockerignoreMatcher, Finding, HadolintConfig, SeverityOrOff } from '../lint/types';
import { parseDockerfile } from '../syntax/parser';
import { parseArgs, usage, UsageError, type CliArgs } from './args';
import { formatJson, formatSarif, formatTty, type FileFindings } from './formats';
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

  const loaded = loadConfig(args, io);
  if ('error' in loaded) { io.stderr(loaded.error); return 2; }
  const config = loaded.config;

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

  if (args.format === 'json') io.stdout(formatJson(results));
  else if (args.format === 'sarif') io.stdout(formatSarif(results, { version }));
  else io.stdout(formatTty(results, io.isTty && !args.noColor && !io.env.NO_COLOR));

  if (failed) return 2;
  if (args.noFail || config.noFail) return 0;
  const threshold = args.failureThreshold ?? config.failureThreshold ?? 'info';
  if (threshold === 'none') return 0;
  const fails = results.some((r) => r.findings.some((f) => rank[f.severity] >= rank[threshold]));
  return fails ? 1 : 0;
}

/** The config file (explicit or found as hadolint finds it) with the command line on top. */
function loadConfig(args: CliArgs, io: CliIo): { config: HadolintConfig } | { error: string } {
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
  return {
    config: {
      ...config,
      ...(args.ignore ? { ignored: args.ignore } : {}),
      ...(args.trustedRegistries.length ? { trustedRegistries: [...(config.trustedRegistries ?? []), ...args.trustedRegistries] } : {}),
      ...(Object.keys(args.requireLabels).length ? { labelSchema: { ...config.labelSchema, ...args.requireLabels } } : {}),
      ...(args.strictLabels ? { strictLabels: true } : {}),
      ...(args.disableIgnorePragma ? { disableIgnorePragma: true } : {}),
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
