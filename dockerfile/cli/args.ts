// berth-lint's command line, read into a typed value; every mistake becomes one sentence.
import type { LabelType, SeverityOrOff } from '../lint/types';

export const FORMATS = ['tty', 'json', 'sarif', 'checkstyle', 'codeclimate', 'gitlab_codeclimate', 'gnu'] as const;
export type Format = typeof FORMATS[number];

export function isFormat(v: string): v is Format {
  return (FORMATS as readonly string[]).includes(v);
}

export interface CliArgs {
  readonly files: readonly string[];
  /** null: not given (the environment or the config file may say). */
  readonly format: Format | null;
  readonly failureThreshold: SeverityOrOff | 'none' | null;
  readonly config: string | null;
  /** `--ignore` given: replaces the config's list, as in hadolint. */
  readonly ignore: readonly string[] | null;
  /** --error/--warning/--info/--style RULE: added to the config's override lists. */
  readonly override: Readonly<Partial<Record<'error' | 'warning' | 'info' | 'style', readonly string[]>>>;
  readonly verbose: boolean;
  /** The file name to put in reports instead of the one given (checkstyle, codeclimate formats). */
  readonly filePathInReport: string | null;
  readonly noFail: boolean;
  readonly noColor: boolean;
  readonly trustedRegistries: readonly string[];
  readonly requireLabels: Readonly<Record<string, LabelType>>;
  readonly strictLabels: boolean;
  readonly disableIgnorePragma: boolean;
  readonly shellcheck: string | false;
  readonly help: boolean;
  readonly version: boolean;
}

export const usage = `Usage: berth-lint [options] FILE...   (FILE "-" reads standard input)

Lints Dockerfiles with hadolint's DL rules, BuildKit's build checks, the builder's own errors
and, when shellcheck is installed, ShellCheck on RUN.

Options:
  -f, --format FORMAT              output format: tty (default), json, sarif, checkstyle,
                                   codeclimate, gitlab_codeclimate, gnu
  -t, --failure-threshold LEVEL    exit 1 only for findings at or above LEVEL:
                                   error, warning, info, style, ignore, none (default info)
  -c, --config FILE                .hadolint.yaml to use (default: hadolint's lookup from the
                                   current folder, then ~/.config/hadolint.yaml, …)
      --ignore RULE                ignore a rule (repeatable; replaces the config's "ignored")
      --error RULE, --warning RULE, --info RULE, --style RULE
                                   give a rule that level (repeatable)
      --no-fail                    exit 0 whatever is found
      --trusted-registry NAME      allow only these registries in FROM (repeatable; DL3026)
      --require-label LABEL:TYPE   label schema entry (repeatable; DL3049–DL3058)
      --strict-labels              labels outside the schema are findings (DL3050)
      --disable-ignore-pragma      ignore "# hadolint ignore=" comments
      --shellcheck PATH            the shellcheck program (default: shellcheck on PATH)
      --no-shellcheck              do not run ShellCheck
      --no-color                   plain tty output
      --file-path-in-report NAME   the file name in checkstyle and codeclimate reports
  -V, --verbose                    say on stderr which config and environment were used
  -h, --help                       this text
  -v, --version                    print the version

hadolint's environment variables apply under the config file and the command line:
HADOLINT_FORMAT, HADOLINT_FAILURE_THRESHOLD, HADOLINT_NOFAIL, HADOLINT_VERBOSE, HADOLINT_IGNORE,
HADOLINT_OVERRIDE_ERROR/_WARNING/_INFO/_STYLE, HADOLINT_TRUSTED_REGISTRIES, HADOLINT_REQUIRE_LABELS,
HADOLINT_STRICT_LABELS, HADOLINT_DISABLE_IGNORE_PRAGMA (lists comma-separated; truthy: 1, y, on,
true, yes) and NO_COLOR.

Exit status: 0 clean (or below the threshold), 1 findings at or above the threshold,
2 bad arguments, an unreadable file or a bad config. The codeclimate format always exits 0
(Code Climate engines must), as hadolint does.`;

const thresholds = ['error', 'warning', 'info', 'style', 'ignore', 'none'];
const labelTypes = ['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email'];

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  const files: string[] = [];
  let format: Format | null = null;
  const override: Record<'error' | 'warning' | 'info' | 'style', string[]> = { error: [], warning: [], info: [], style: [] };
  let verbose = false;
  let filePathInReport: string | null = null;
  let failureThreshold: CliArgs['failureThreshold'] = null;
  let config: string | null = null;
  let ignore: string[] | null = null;
  let noFail = false;
  let noColor = false;
  const trustedRegistries: string[] = [];
  const requireLabels: Record<string, LabelType> = {};
  let strictLabels = false;
  let disableIgnorePragma = false;
  let shellcheck: string | false = 'shellcheck';
  let help = false;
  let version = false;

  for (let k = 0; k < argv.length; k++) {
    let arg = argv[k];
    let inline: string | null = null;
    if (arg.startsWith('--') && arg.includes('=')) {
      inline = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    const value = (): string => {
      if (inline !== null) return inline;
      const v = argv[++k];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '-f': case '--format': {
        const v = value();
        if (!isFormat(v)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${v}"`);
        format = v;
        break;
      }
      case '-t': case '--failure-threshold': {
        const v = value();
        if (!thresholds.includes(v)) throw new UsageError(`--failure-threshold must be one of ${thresholds.join(', ')}, not "${v}"`);
        failureThreshold = v as CliArgs['failureThreshold'];
        break;
      }
      case '-c': case '--config': config = value(); break;
      case '--ignore': (ignore ??= []).push(value()); break;
      case '--error': case '--warning': case '--info': case '--style': override[arg.slice(2) as keyof typeof override].push(value()); break;
      case '-V': case '--verbose': verbose = true; break;
      case '--file-path-in-report': filePathInReport = value(); break;
      case '--no-fail': noFail = true; break;
      case '--no-color': noColor = true; break;
      case '--trusted-registry': trustedRegistries.push(value()); break;
      case '--require-label': {
        const v = value();
        const c = v.lastIndexOf(':');
        const type = c === -1 ? '' : v.slice(c + 1);
        if (c <= 0 || !labelTypes.includes(type)) throw new UsageError(`--require-label takes LABEL:TYPE with TYPE one of ${labelTypes.join(', ')}, not "${v}"`);
        requireLabels[v.slice(0, c)] = type as LabelType;
        break;
      }
      case '--strict-labels': strictLabels = true; break;
      case '--disable-ignore-pragma': disableIgnorePragma = true; break;
      case '--shellcheck': shellcheck = value(); break;
      case '--no-shellcheck': shellcheck = false; break;
      case '-h': case '--help': help = true; break;
      case '-v': case '--version': version = true; break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg} (see berth-lint --help)`);
        files.push(argv[k]);
    }
  }
  if (files.length === 0 && !help && !version) throw new UsageError('no Dockerfile given (see berth-lint --help)');
  return {
    files, format, failureThreshold, config, ignore, override, verbose, filePathInReport, noFail, noColor, trustedRegistries, requireLabels,
    strictLabels, disableIgnorePragma, shellcheck, help, version,
  };
}
