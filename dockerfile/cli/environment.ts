// hadolint's environment variables (HADOLINT_*, NO_COLOR), read as hadolint reads them: lists are
// comma-separated, a flag is on for 1, y, on, true or yes (any case) and off for anything else.
// They are the lowest layer: the config file and the command line go over them. Unlike hadolint,
// a value that cannot mean anything (an unknown format or threshold, a label without a type) is
// an error that names the variable, not silently dropped.
import type { LabelType, Severity, SeverityOrOff } from '../lint/types';
import { FORMATS, isFormat, type Format } from './args';

export interface EnvironmentSettings {
  readonly format?: Format;
  readonly failureThreshold?: SeverityOrOff | 'none';
  readonly noFail?: boolean;
  readonly noColor?: boolean;
  readonly verbose?: boolean;
  readonly ignored: readonly string[];
  readonly override: Readonly<Record<Severity, readonly string[]>>;
  readonly trustedRegistries: readonly string[];
  readonly labelSchema: Readonly<Record<string, LabelType>>;
  readonly strictLabels?: boolean;
  readonly disableIgnorePragma?: boolean;
  /** The HADOLINT_* variables that were set, for --verbose. */
  readonly used: readonly string[];
}

const thresholds: readonly string[] = ['error', 'warning', 'info', 'style', 'ignore', 'none'];
const labelTypes: readonly string[] = ['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email'];
const truthy = new Set(['1', 'y', 'on', 'true', 'yes']);

export const HADOLINT_VARIABLES: readonly string[] = [
  'HADOLINT_NOFAIL', 'HADOLINT_VERBOSE', 'HADOLINT_FORMAT', 'HADOLINT_FAILURE_THRESHOLD', 'HADOLINT_OVERRIDE_ERROR',
  'HADOLINT_OVERRIDE_WARNING', 'HADOLINT_OVERRIDE_INFO', 'HADOLINT_OVERRIDE_STYLE', 'HADOLINT_IGNORE',
  'HADOLINT_STRICT_LABELS', 'HADOLINT_DISABLE_IGNORE_PRAGMA', 'HADOLINT_TRUSTED_REGISTRIES', 'HADOLINT_REQUIRE_LABELS',
];

function list(v: string | undefined): string[] {
  return v === undefined ? [] : v.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

export function readHadolintEnvironment(env: NodeJS.ProcessEnv): { settings: EnvironmentSettings; problems: string[] } {
  const problems: string[] = [];
  const flag = (name: string): boolean | undefined => {
    const v = env[name];
    return v === undefined ? undefined : truthy.has(v.trim().toLowerCase());
  };
  let format: Format | undefined;
  // hadolint takes a comma list here (one report per format); berth-lint writes one report: the last.
  for (const f of list(env.HADOLINT_FORMAT)) {
    if (isFormat(f)) format = f;
    else problems.push(`HADOLINT_FORMAT names "${f}", not one of ${FORMATS.join(', ')}`);
  }
  let failureThreshold: EnvironmentSettings['failureThreshold'];
  const t = env.HADOLINT_FAILURE_THRESHOLD?.trim();
  if (t !== undefined && t !== '') {
    if (thresholds.includes(t)) failureThreshold = t as EnvironmentSettings['failureThreshold'];
    else problems.push(`HADOLINT_FAILURE_THRESHOLD is "${t}"; use one of ${thresholds.join(', ')}`);
  }
  const labelSchema: Record<string, LabelType> = {};
  for (const item of list(env.HADOLINT_REQUIRE_LABELS)) {
    const c = item.indexOf(':');
    const type = c === -1 ? '' : item.slice(c + 1);
    if (c <= 0 || !labelTypes.includes(type)) problems.push(`HADOLINT_REQUIRE_LABELS has "${item}"; write LABEL:TYPE with TYPE one of ${labelTypes.join(', ')}`);
    else labelSchema[item.slice(0, c)] = type as LabelType;
  }
  return {
    settings: {
      format,
      failureThreshold,
      noFail: flag('HADOLINT_NOFAIL'),
      // NO_COLOR counts when set at all (https://no-color.org).
      noColor: env.NO_COLOR !== undefined ? true : undefined,
      verbose: flag('HADOLINT_VERBOSE'),
      ignored: list(env.HADOLINT_IGNORE),
      override: {
        error: list(env.HADOLINT_OVERRIDE_ERROR),
        warning: list(env.HADOLINT_OVERRIDE_WARNING),
        info: list(env.HADOLINT_OVERRIDE_INFO),
        style: list(env.HADOLINT_OVERRIDE_STYLE),
      },
      trustedRegistries: list(env.HADOLINT_TRUSTED_REGISTRIES),
      labelSchema,
      strictLabels: flag('HADOLINT_STRICT_LABELS'),
      disableIgnorePragma: flag('HADOLINT_DISABLE_IGNORE_PRAGMA'),
      used: HADOLINT_VARIABLES.filter((n) => env[n] !== undefined),
    },
    problems,
  };
}
