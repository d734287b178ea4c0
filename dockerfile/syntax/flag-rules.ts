// Which `--flags` each instruction takes and BuildKit's rules for their values (BFlags):
// unknown names, a repeated flag that is not a list, string flags without `=value`, booleans.
import type { Flag, Range, SyntaxError } from './ast.js';
import { suggest } from './keywords.js';

export type FlagKind = 'bool' | 'string' | 'list';

export const FLAG_SPECS: Readonly<Record<string, Readonly<Record<string, FlagKind>>>> = {
  FROM: { platform: 'string' },
  RUN: { mount: 'list', network: 'string', security: 'string', device: 'list' },
  COPY: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'list' },
  ADD: {
    chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string', unpack: 'bool',
    exclude: 'list',
  },
  HEALTHCHECK: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
};

/** Flags that passed the rules, by name; list flags keep every occurrence. */
export interface CheckedFlags {
  readonly byName: ReadonlyMap<string, readonly Flag[]>;
  readonly errors: SyntaxError[];
}

function error(message: string, range: Range): SyntaxError {
  return { code: 'bad-flag', message, range };
}

const NO_FLAGS: ReadonlyMap<string, readonly Flag[]> = new Map();

/** Checks `flags` against the flags `keyword` accepts (none when it has no entry). */
export function checkFlags(keyword: string, flags: readonly Flag[]): CheckedFlags {
  // Most instructions have no flags: no map to build (this runs for every instruction).
  if (flags.length === 0) return { byName: NO_FLAGS, errors: [] };
  const spec = FLAG_SPECS[keyword] ?? {};
  const byName = new Map<string, Flag[]>();
  const errors: SyntaxError[] = [];
  for (const flag of flags) {
    const kind = Object.prototype.hasOwnProperty.call(spec, flag.name) ? spec[flag.name] : undefined;
    if (kind === undefined) {
      const names = Object.keys(spec);
      const hint = names.length ? suggest(flag.name, names, false) : null;
      const accepts = names.length ? `${keyword} accepts ${names.map((n) => '--' + n).join(', ')}` : `${keyword} takes no flags`;
      errors.push(error(`unknown flag: --${flag.name}${hint ? ` (did you mean --${hint}?)` : ''}; ${accepts}`, flag.nameRange));
      continue;
    }
    const seen = byName.get(flag.name);
    if (seen && kind !== 'list') {
      errors.push(error(`duplicate flag specified: --${flag.name}`, flag.range));
      continue;
    }
    if (kind === 'bool') {
      if (flag.value !== null) {
        const v = flag.value.toLowerCase();
        if (flag.value === '') {
          errors.push(error(`missing a value on flag: --${flag.name}`, flag.range));
          continue;
        }
        if (v !== 'true' && v !== 'false') {
          errors.push(error(`expecting boolean value for flag --${flag.name}, not: ${flag.value}`, flag.valueRange ?? flag.range));
          continue;
        }
      }
    } else if (flag.value === null) {
      errors.push(error(`missing a value on flag: --${flag.name} (write --${flag.name}=VALUE)`, flag.range));
      continue;
    }
    if (seen) seen.push(flag);
    else byName.set(flag.name, [flag]);
  }
  return { byName, errors };
}

/** A boolean flag's value: null when absent, true for a bare `--flag`. */
export function boolFlag(checked: CheckedFlags, name: string): boolean | null {
  const f = checked.byName.get(name)?.[0];
  if (!f) return null;
  return f.value === null || f.value.toLowerCase() === 'true';
}

export function stringFlag(checked: CheckedFlags, name: string): Flag | null {
  return checked.byName.get(name)?.[0] ?? null;
}

export function listFlag(checked: CheckedFlags, name: string): readonly Flag[] {
  return checked.byName.get(name) ?? [];
}
