// Which variables each instruction sees, by Docker's rules:
// - ARGs before the first FROM form the global scope; it expands FROM lines (and `--platform`).
//   Build args override their defaults. With the BuildKit model the platform args
//   (BUILDPLATFORM, TARGETARCH, ...) are in the global scope too.
// - Inside a stage a global ARG is visible only after `ARG NAME` re-declares it. `ARG NAME=default`
//   takes the build arg if one is given, else its default, expanded with what is visible so far.
// - ENV values are expanded with the variables visible before the ENV line.
// - ENV and ARG of the same name: the legacy builder always prefers ENV; BuildKit takes the later one.
// - A stage built FROM an earlier stage starts with that stage's ENV (BuildKit: and its ARGs).
// - Proxy args (HTTP_PROXY, ...) reach RUN without ARG; the legacy builder also expands them.
import type { Instruction, Range, Stage, DockerfileAst } from '../syntax/ast.js';
import { viewInstruction } from '../syntax/instructions.js';
import { expandWord, type Lookup, type WordResult } from './lexer.js';
import { LINUX_AMD64, platformArgs, PROXY_ARGS, type Platform } from './predefined.js';

export type ScopeModel = 'buildkit' | 'legacy';

export interface ScopeOptions {
  /** `--build-arg` values. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly buildPlatform?: Platform;
  readonly targetPlatform?: Platform;
  /** `--target` stage name (TARGETSTAGE). */
  readonly target?: string;
  /** Default 'buildkit'. The bundled builder follows the legacy builder ('legacy'). */
  readonly model?: ScopeModel;
  /** ENV of an external base image, by its expanded reference (the builder knows it once pulled). */
  readonly baseImageEnv?: (image: string) => Readonly<Record<string, string>> | undefined;
}

export type VariableKind = 'predefined' | 'global-arg' | 'arg' | 'env' | 'base-env';

export interface Variable {
  readonly name: string;
  readonly value: string;
  readonly kind: VariableKind;
  /** The ARG/ENV line that set it; null for predefined and base-image values. */
  readonly declaredBy: Instruction | null;
}

/**
 * The variables visible at one point of the Dockerfile. Immutable.
 *
 * A scope is a short chain of layers, newest first, each holding some of the changes. A new layer
 * absorbs older ones no larger than itself (a binary counter), so the chain stays O(log n) long and
 * each change is copied O(log n) times. Copying every map per ARG/ENV line made files with
 * thousands of them quadratic (seconds for 4,000 ENV lines).
 */
export class Scope {
  private constructor(
    private readonly parent: Scope | undefined,
    /** How many entries this layer holds: older layers are merged in when they are no larger. */
    private readonly weight: number,
    private readonly ownVars: ReadonlyMap<string, Variable>,
    private readonly ownArgNames: ReadonlySet<string>,
    /** ENV values as the image config holds them (an ARG may hide one from expansion). */
    private readonly ownEnv: ReadonlyMap<string, Variable>,
  ) {}

  static empty(): Scope {
    return new Scope(undefined, 0, new Map(), new Set(), new Map());
  }

  get(name: string): Variable | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.ownVars.get(name);
      if (v) return v;
    }
    return undefined;
  }

  value(name: string): string | undefined {
    return this.get(name)?.value;
  }

  /** For expandWord. */
  readonly lookup: Lookup = (name) => this.get(name)?.value;

  /** Declared by an ARG in this stage (or inherited), with or without a value. */
  isDeclaredArg(name: string): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.ownArgNames.has(name)) return true;
    return false;
  }

  variables(): Variable[] {
    return [...this.merged((s) => s.ownVars).values()];
  }

  /** ENV values (from ENV lines and the base image): what goes into the image config. */
  imageEnv(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of this.merged((s) => s.ownEnv).values()) out[v.name] = v.value;
    return out;
  }

  with(changes: readonly Variable[], declared: readonly string[] = []): Scope {
    if (changes.length === 0 && declared.length === 0) return this;
    let vars = new Map<string, Variable>();
    let env = new Map<string, Variable>();
    let names = new Set(declared);
    for (const v of changes) {
      vars.set(v.name, v);
      if (v.kind === 'env' || v.kind === 'base-env') env.set(v.name, v);
    }
    let parent: Scope | undefined = this;
    let weight = vars.size + names.size;
    while (parent && parent.weight <= weight) {
      vars = joined(parent.ownVars, vars);
      env = joined(parent.ownEnv, env);
      names = new Set([...parent.ownArgNames, ...names]);
      weight = vars.size + names.size;
      parent = parent.parent;
    }
    return new Scope(parent, weight, vars, names, env);
  }

  /** Only the ENV values survive (what the legacy builder hands to a child stage). */
  envOnly(): Scope {
    const env = this.merged((s) => s.ownEnv);
    return new Scope(undefined, env.size, env, new Set(), env);
  }

  /** Every layer's entries, oldest first, so later changes overwrite earlier ones and first-set order is kept. */
  private merged(part: (s: Scope) => ReadonlyMap<string, Variable>): Map<string, Variable> {
    const layers: Scope[] = [];
    for (let s: Scope | undefined = this; s; s = s.parent) layers.push(s);
    const out = new Map<string, Variable>();
    for (let i = layers.length - 1; i >= 0; i--) for (const [k, v] of part(layers[i])) out.set(k, v);
    return out;
  }
}

/** `older` with `newer` laid over it (older's order kept for names both have). */
function joined(older: ReadonlyMap<string, Variable>, newer: ReadonlyMap<string, Variable>): Map<string, Variable> {
  if (older.size === 0) return newer as Map<string, Variable>;
  const out = new Map(older);
  for (const [k, v] of newer) out.set(k, v);
  return out;
}

export interface ScopeError {
  readonly message: string;
  readonly range: Range;
  readonly instruction: Instruction;
}

export interface StageScope {
  readonly stage: Stage;
  /** FROM's image word expanded with the global scope (null when it failed to expand). */
  readonly base: WordResult | null;
  /** FROM's `--platform` expanded with the global scope; null when not given or failed. */
  readonly platform: WordResult | null;
  /** Index of the earlier stage this one is built FROM, or null for an image / scratch. */
  readonly parent: number | null;
  /** The scope before each of stage.instructions (same indexes). */
  readonly before: readonly Scope[];
  /** The scope after the last instruction. */
  readonly after: Scope;
}

export interface Scopes {
  readonly global: Scope;
  readonly stages: readonly StageScope[];
  /** Expansion failures in ARG defaults and ENV lines (`${X:?}` and syntax errors). */
  readonly errors: readonly ScopeError[];
  /** The scope an instruction's arguments are expanded with (FROM and global ARGs: the global scope so far). */
  scopeBefore(ins: Instruction): Scope | undefined;
}

/** Proxy build args given for this build: RUN sees them without an ARG line. */
export function proxyArgs(buildArgs: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PROXY_ARGS) if (Object.prototype.hasOwnProperty.call(buildArgs, name)) out[name] = buildArgs[name];
  return out;
}

const own = (rec: Readonly<Record<string, string>>, key: string): boolean => Object.prototype.hasOwnProperty.call(rec, key);

let defaultPlatform: Scope | null = null;

/** The platform args for linux/amd64 with no build args (what the linter always asks for). Scopes
 *  are immutable, so one serves every call. */
function defaultPlatformScope(): Scope {
  defaultPlatform ??= Scope.empty().with(Object.entries(platformArgs(LINUX_AMD64, LINUX_AMD64, '')).map(([name, value]) => ({
    name, value, kind: 'predefined' as const, declaredBy: null,
  })));
  return defaultPlatform;
}

export function resolveScopes(ast: DockerfileAst, options: ScopeOptions = {}): Scopes {
  const model = options.model ?? 'buildkit';
  const buildArgs = options.buildArgs ?? {};
  const errors: ScopeError[] = [];
  const before = new Map<Instruction, Scope>();
  const escape = ast.escapeChar;

  const expand = (word: string, scope: Scope, ins: Instruction, range: Range): string | null => {
    const r = expandWord(word, scope.lookup, escape);
    if (r.ok) return r.value;
    errors.push({ message: r.error.message, range, instruction: ins });
    return null;
  };

  // Global scope.
  let global = Scope.empty();
  if (model === 'buildkit' && !options.buildArgs && !options.buildPlatform && !options.targetPlatform && !options.target) {
    global = defaultPlatformScope();
  } else if (model === 'buildkit') {
    const platform = platformArgs(options.buildPlatform ?? LINUX_AMD64, options.targetPlatform ?? options.buildPlatform ?? LINUX_AMD64, options.target ?? '');
    global = global.with(Object.entries(platform).map(([name, value]) => ({
      name, value: own(buildArgs, name) ? buildArgs[name] : value, kind: 'predefined' as const, declaredBy: null,
    })));
  } else {
    global = global.with(Object.entries(proxyArgs(buildArgs)).map(([name, value]) => ({ name, value, kind: 'predefined' as const, declaredBy: null })));
  }
  for (const ins of ast.globalArgs) {
    before.set(ins, global);
    const view = viewInstruction(ins);
    if (view.keyword !== 'ARG') continue;
    for (const a of view.args) {
      let value: string | null = null;
      if (own(buildArgs, a.name)) value = buildArgs[a.name];
      else if (a.defaultValue !== null) value = expand(a.defaultValue, global, ins, a.defaultRange ?? a.range);
      global = global.with(value === null ? [] : [{ name: a.name, value, kind: 'global-arg', declaredBy: ins }], [a.name]);
    }
  }

  // Stages, in order; a stage FROM an earlier stage starts where that one ended.
  const stages: StageScope[] = [];
  const byName = new Map<string, number>();
  for (const stage of ast.stages) {
    before.set(stage.from, global);
    const fromView = viewInstruction(stage.from);
    const image = fromView.keyword === 'FROM' ? fromView.image : null;
    const base = image ? expandWord(image.value, global.lookup, escape) : null;
    if (base && !base.ok && image) errors.push({ message: base.error.message, range: image.range, instruction: stage.from });
    const parent = base?.ok ? byName.get(base.value.toLowerCase()) ?? null : null;
    const platformFlag = fromView.keyword === 'FROM' ? fromView.platform : null;
    const platform = platformFlag?.value != null ? expandWord(platformFlag.value, global.lookup, escape) : null;
    if (platform && !platform.ok && platformFlag) {
      errors.push({ message: platform.error.message, range: platformFlag.valueRange ?? platformFlag.range, instruction: stage.from });
    }

    let scope: Scope;
    if (parent !== null) {
      scope = model === 'buildkit' ? stages[parent].after : stages[parent].after.envOnly();
    } else {
      const env = base?.ok && base.value.toLowerCase() !== 'scratch' ? options.baseImageEnv?.(base.value) : undefined;
      scope = Scope.empty().with(Object.entries(env ?? {}).map(([name, value]) => ({ name, value, kind: 'base-env' as const, declaredBy: null })));
    }
    if (model === 'legacy') {
      scope = scope.with(Object.entries(proxyArgs(buildArgs))
        .filter(([name]) => !scope.get(name))
        .map(([name, value]) => ({ name, value, kind: 'predefined' as const, declaredBy: null })));
    }

    const befores: Scope[] = [];
    for (const ins of stage.instructions) {
      befores.push(scope);
      before.set(ins, scope);
      const view = viewInstruction(ins);
      if (view.keyword === 'ENV') {
        const changes: Variable[] = [];
        for (const p of view.pairs) {
          const key = expand(p.key, scope, ins, p.keyRange);
          const value = expand(p.value, scope, ins, p.valueRange);
          if (key !== null && value !== null && key !== '') changes.push({ name: key, value, kind: 'env', declaredBy: ins });
        }
        scope = scope.with(changes);
      } else if (view.keyword === 'ARG') {
        for (const a of view.args) {
          let value: string | null = null;
          if (own(buildArgs, a.name)) value = buildArgs[a.name];
          else if (a.defaultValue !== null) value = expand(a.defaultValue, scope, ins, a.defaultRange ?? a.range);
          else if (global.get(a.name)) value = global.value(a.name)!;
          const existing = scope.get(a.name);
          const envWins = model === 'legacy' && existing !== undefined && (existing.kind === 'env' || existing.kind === 'base-env');
          const changes: Variable[] = value === null || envWins ? [] : [{ name: a.name, value, kind: 'arg', declaredBy: ins }];
          scope = scope.with(changes, [a.name]);
        }
      }
    }
    stages.push({ stage, base, platform, parent, before: befores, after: scope });
    if (stage.name) byName.set(stage.name.value.toLowerCase(), stage.index);
  }

  return { global, stages, errors, scopeBefore: (ins) => before.get(ins) };
}
