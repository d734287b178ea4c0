// Command-line parsing for berth-compose: docker compose's global flags, then a subcommand with its
// own flags. `--x=v`, `--x v`, `-x v` and grouped short booleans (`-dT`) as cobra accepts them.

export class UsageError extends Error {}

export interface FlagSpec {
  /** Long name first ("file"), then short ones ("f"). */
  readonly names: readonly string[];
  readonly takesValue?: boolean;
}

export interface Parsed {
  /** By long name: the values given (["true"] for a boolean). */
  readonly flags: Map<string, string[]>;
  readonly positionals: string[];
}

/**
 * Parses flags until `stopAfter` positionals were seen (the rest is a command and its own arguments,
 * as for exec and run), or to the end.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], stopAfter = Infinity, context = 'berth-compose'): Parsed & { rest: string[] } {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) for (const n of s.names) byName.set(n, s);
  const set = (s: FlagSpec, v: string) => flags.set(s.names[0], [...(flags.get(s.names[0]) ?? []), v]);
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (positionals.length >= stopAfter) break;
    if (a === '--') { i++; break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name} (${context})`);
      if (spec.takesValue) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`flag needs an argument: --${name}`);
        set(spec, v);
      } else {
        const v = eq >= 0 ? a.slice(eq + 1) : 'true';
        if (v !== 'true' && v !== 'false') throw new UsageError(`invalid argument "${v}" for --${name}: a boolean flag takes true or false`);
        set(spec, v);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const spec = byName.get(a[j]);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${a[j]}' in ${a} (${context})`);
        if (spec.takesValue) {
          const v = j + 1 < a.length ? a.slice(j + 1).replace(/^=/, '') : argv[++i];
          if (v === undefined) throw new UsageError(`flag needs an argument: '${a[j]}' in -${a[j]}`);
          set(spec, v);
          break;
        }
        set(spec, 'true');
      }
      continue;
    }
    positionals.push(a);
  }
  return { flags, positionals, rest: argv.slice(i) as string[] };
}

export const bool = (p: Parsed, name: string): boolean => (p.flags.get(name)?.at(-1) ?? 'false') === 'true';
export const str = (p: Parsed, name: string): string | undefined => p.flags.get(name)?.at(-1);
export const strs = (p: Parsed, name: string): string[] => p.flags.get(name) ?? [];

export function int(p: Parsed, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`invalid argument "${v}" for --${name}: not a whole number`);
  return n;
}

export const GLOBAL_FLAGS: FlagSpec[] = [
  { names: ['file', 'f'], takesValue: true },
  { names: ['project-name', 'p'], takesValue: true },
  { names: ['profile'], takesValue: true },
  { names: ['env-file'], takesValue: true },
  { names: ['project-directory'], takesValue: true },
  { names: ['ansi'], takesValue: true },
  { names: ['progress'], takesValue: true },
  { names: ['help', 'h'] },
  { names: ['version', 'v'] },
];
