// `.hadolint.yaml`: read it as hadolint does, validate every key, and say exactly what is wrong.
// Also where the CLI looks for it when no --config is given (hadolint's order).
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import type { HadolintConfig, LabelType, Severity, SeverityOrOff } from './types';

export interface ParsedConfig {
  readonly config: HadolintConfig;
  /** One readable sentence per problem, naming the file, key and value. Empty when all is well. */
  readonly problems: readonly string[];
}

const severities: readonly Severity[] = ['error', 'warning', 'info', 'style'];
const thresholds: readonly (SeverityOrOff | 'none')[] = ['error', 'warning', 'info', 'style', 'ignore', 'none'];
const labelTypes: readonly LabelType[] = ['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email'];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function parseHadolintConfig(text: string, fileName = '.hadolint.yaml'): ParsedConfig {
  const problems: string[] = [];
  const config: Mutable<HadolintConfig> = {};
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const before = text.slice(0, e.pos[0]);
    const line = before.split('\n').length;
    const where = ` (line ${line}, column ${e.pos[0] - before.lastIndexOf('\n')})`;
    return { config, problems: [`${fileName}: not valid YAML${where}: ${e.message.split('\n')[0]}`] };
  }
  const root: unknown = doc.toJS();
  if (root === null || root === undefined) return { config, problems };
  if (typeof root !== 'object' || Array.isArray(root)) {
    return { config, problems: [`${fileName}: expected a mapping of keys (ignored, override, trustedRegistries …), found ${describe(root)}`] };
  }
  const bad = (key: string, want: string, got: unknown) => problems.push(`${fileName}: "${key}" must be ${want}, not ${describe(got)}`);
  const stringList = (key: string, v: unknown, allowSingle: boolean): string[] | null => {
    if (allowSingle && typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    bad(key, allowSingle ? 'a string or a list of strings' : 'a list of rule names', v);
    return null;
  };

  for (const [key, value] of Object.entries(root as Record<string, unknown>)) {
    switch (key) {
      case 'ignored': {
        const l = stringList(key, value ?? [], true);
        if (l) config.ignored = l;
        break;
      }
      case 'trustedRegistries': {
        const l = stringList(key, value ?? [], true);
        if (l) config.trustedRegistries = l;
        break;
      }
      case 'override': {
        if (value === null || value === undefined) break;
        if (typeof value !== 'object' || Array.isArray(value)) { bad(key, 'a mapping of error/warning/info/style to lists of rule names', value); break; }
        const o: Partial<Record<Severity, readonly string[]>> = {};
        for (const [lvl, names] of Object.entries(value as Record<string, unknown>)) {
          if (!severities.includes(lvl as Severity)) {
            problems.push(`${fileName}: "override.${lvl}" is not a level: use error, warning, info or style`);
            continue;
          }
          const l = stringList(`override.${lvl}`, names ?? [], true);
          if (l) o[lvl as Severity] = l;
        }
        config.override = o;
        break;
      }
      case 'failure-threshold': {
        if (typeof value === 'string' && thresholds.includes(value as SeverityOrOff)) config.failureThreshold = value as SeverityOrOff | 'none';
        else bad(key, 'one of error, warning, info, style, ignore, none', value);
        break;
      }
      case 'label-schema': {
        if (value === null || value === undefined) break;
        if (typeof value !== 'object' || Array.isArray(value)) { bad(key, 'a mapping of label names to types', value); break; }
        const schema: Record<string, LabelType> = {};
        for (const [label, type] of Object.entries(value as Record<string, unknown>)) {
          if (typeof type === 'string' && labelTypes.includes(type as LabelType)) schema[label] = type as LabelType;
          else problems.push(`${fileName}: "label-schema.${label}" must be one of ${labelTypes.join(', ')}, not ${describe(type)}`);
        }
        config.labelSchema = schema;
        break;
      }
      case 'strict-labels':
      case 'disable-ignore-pragma':
      case 'no-fail':
      case 'no-color':
      case 'verbose': {
        if (typeof value !== 'boolean') { bad(key, 'true or false', value); break; }
        if (key === 'strict-labels') config.strictLabels = value;
        else if (key === 'disable-ignore-pragma') config.disableIgnorePragma = value;
        else if (key === 'no-color') config.noColor = value;
        else if (key === 'verbose') config.verbose = value;
        else config.noFail = value;
        break;
      }
      // The output format matters to berth-lint only, which checks the name.
      case 'format': {
        if (typeof value === 'string') config.format = value;
        else bad(key, 'a format name', value);
        break;
      }
      default:
        problems.push(`${fileName}: unknown key "${key}" (known: ignored, override, trustedRegistries, failure-threshold, label-schema, strict-labels, disable-ignore-pragma, no-fail, format, no-color, verbose)`);
    }
  }
  return { config, problems };
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** Where hadolint looks when no `--config` is given, first match wins. */
export function hadolintConfigCandidates(cwd: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  const both = (dir: string, base: string) => [path.join(dir, `${base}.yaml`), path.join(dir, `${base}.yml`)];
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return [
    ...both(cwd, '.hadolint'),
    ...both(xdg, 'hadolint'),
    ...both(path.join(home, '.hadolint'), 'hadolint'),
    ...both(path.join(home, '.hadolint'), 'config'),
    ...both(home, '.hadolint'),
  ];
}

export function findHadolintConfig(cwd: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string | null {
  return hadolintConfigCandidates(cwd, env, home).find((p) => existsSync(p)) ?? null;
}
