// Analyses several rules share, computed at most once per lint: the shell commands of every RUN
// (ONBUILD RUN included), RUN --mount options, and the stage graph, variable scopes.
import { resolveScopes, type Scopes } from '../expansion/scope';
import { stageRoots, type BaseImageLookup, type StageRoot } from './base-image';
import type { DockerfileAst, Heredoc, Instruction, Stage } from '../syntax/ast';
import { baseName, parseShell, type ShellCommand, type ShellScript } from './shell/commands';
import type { ShellParseCache } from './shell/parse-cache';
import { argumentSource, heredocSource, jsonSource, type SourceText } from './source-text';

export interface RunScript {
  readonly source: SourceText;
  readonly shell: ShellScript;
  /** `command`: the RUN line; `heredoc`: a heredoc body run as a script; `exec`: JSON form. */
  readonly kind: 'command' | 'heredoc' | 'exec';
}

/** One command of one RUN, with the script it is in (for ranges and edits). */
export interface CommandSite {
  readonly run: RunInfo;
  readonly script: RunScript;
  readonly cmd: ShellCommand;
  /** Position of the command in the RUN's list (all scripts), for order checks. */
  readonly index: number;
}

export interface RunInfo {
  /** The RUN itself (inside ONBUILD when wrapped). */
  readonly run: Instruction;
  /** The instruction in the file's list: the RUN, or the ONBUILD that wraps it. */
  readonly outer: Instruction;
  readonly stageIndex: number;
  readonly scripts: readonly RunScript[];
  /** Heredocs the command reads as data (`cat <<EOF > file`), not run as scripts. */
  readonly dataHeredocs: readonly Heredoc[];
  /** Every command of every script, in order. */
  readonly commands: readonly ShellCommand[];
  /** `--mount` options, parsed (`type=cache,target=/x` → { type: 'cache', target: '/x' }). */
  readonly mounts: readonly Readonly<Record<string, string>>[];
}

/** Every command as parallel lists by ordinal (file order), and the ordinals of each name. */
interface CommandIndex {
  readonly runs: RunInfo[];
  readonly scripts: RunScript[];
  readonly cmds: ShellCommand[];
  /** Position of the command in its RUN (CommandSite.index). */
  readonly positions: number[];
  readonly sites: (CommandSite | undefined)[];
  readonly byName: Map<string, number[]>;
}

const shells = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'zsh', 'mksh']);
const shellShebang = /^#!\s*(\/usr\/bin\/env\s+)?(\/[\w/]*\/)?(sh|bash|ash|dash|ksh|zsh)\b/;

export class Facts {
  private runsCache: RunInfo[] | null = null;
  private byInstr: Map<Instruction, RunInfo> | null = null;
  private stageNames: Map<string, Stage> | null = null;
  private scopesCache: Scopes | null = null;
  private sitesCache: CommandSite[] | null = null;
  private index: CommandIndex | null = null;
  private namedCache = new Map<string, readonly CommandSite[]>();
  private parents: Map<Stage, Stage | undefined> | null = null;
  private baseImages: BaseImageLookup | undefined;
  private rootsCache: StageRoot[] | null = null;

  constructor(private readonly ast: DockerfileAst, private readonly shellParses?: ShellParseCache) {}

  /** The base images' facts this lint knows (LintOptions.baseImages). Only the scopes depend on
   *  them: a change drops those and keeps the RUN analyses. */
  useBaseImages(lookup: BaseImageLookup | undefined): void {
    if (lookup === this.baseImages) return;
    this.baseImages = lookup;
    this.scopesCache = null;
    this.rootsCache = null;
  }

  /** Each stage's root image (by stage index): known facts, scratch, or unknown. */
  get roots(): readonly StageRoot[] {
    this.rootsCache ??= stageRoots(this.scopes, this.baseImages);
    return this.rootsCache;
  }

  private parseShell(text: string): ShellScript {
    return this.shellParses ? this.shellParses.parse(text) : parseShell(text);
  }

  /** Variables visible at each instruction (BuildKit's model, no build args; base images' ENV when known). */
  get scopes(): Scopes {
    if (!this.scopesCache) {
      const lookup = this.baseImages;
      this.scopesCache = resolveScopes(this.ast, lookup ? { baseImageEnv: (image) => lookup(image)?.env } : {});
    }
    return this.scopesCache;
  }

  /** Every RUN (and ONBUILD RUN) in file order. */
  get runs(): readonly RunInfo[] {
    if (!this.runsCache) {
      this.runsCache = [];
      this.byInstr = new Map();
      for (const outer of this.ast.instructions) {
        const run = outer.keyword === 'RUN' ? outer : outer.onbuild?.keyword === 'RUN' ? outer.onbuild : null;
        if (!run) continue;
        const info = this.analyseRun(run, outer);
        this.runsCache.push(info);
        this.byInstr.set(outer, info);
        if (run !== outer) this.byInstr.set(run, info);
      }
    }
    return this.runsCache;
  }

  /** Every command of every RUN: numbered in file order, grouped by name. Site objects are made
   *  only for the commands a rule asks for (most rules ask for a few names). */
  private get commandIndex(): CommandIndex {
    if (!this.index) {
      const ix: CommandIndex = { runs: [], scripts: [], cmds: [], positions: [], sites: [], byName: new Map() };
      for (const run of this.runs) {
        let position = 0;
        for (const script of run.scripts) {
          for (const cmd of script.shell.commands) {
            const ordinal = ix.cmds.length;
            ix.runs.push(run);
            ix.scripts.push(script);
            ix.cmds.push(cmd);
            ix.positions.push(position++);
            const list = ix.byName.get(cmd.name);
            if (list) list.push(ordinal);
            else ix.byName.set(cmd.name, [ordinal]);
          }
        }
      }
      this.index = ix;
    }
    return this.index;
  }

  /** The site of command number `ordinal`, the same object every time it is asked for. */
  private site(ordinal: number): CommandSite {
    const ix = this.commandIndex;
    let s = ix.sites[ordinal];
    if (!s) {
      s = { run: ix.runs[ordinal], script: ix.scripts[ordinal], cmd: ix.cmds[ordinal], index: ix.positions[ordinal] };
      ix.sites[ordinal] = s;
    }
    return s;
  }

  /** Every command of every RUN, in file order. */
  get sites(): readonly CommandSite[] {
    if (!this.sitesCache) {
      const n = this.commandIndex.cmds.length;
      const out: CommandSite[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = this.site(i);
      this.sitesCache = out;
    }
    return this.sitesCache;
  }

  /** Commands with this exact name (`apt-get`), in file order. */
  sitesNamed(...names: string[]): readonly CommandSite[] {
    const byName = this.commandIndex.byName;
    if (names.length === 1) return this.sitesOf(names[0], byName.get(names[0]));
    // Usually at most one of the names is used in the file: its list is the answer, in order.
    const used = names.filter((n) => byName.has(n));
    if (used.length <= 1) return used.length ? this.sitesOf(used[0], byName.get(used[0])) : [];
    return this.sitesAt([...new Set(used)].flatMap((n) => byName.get(n)!));
  }

  /** Commands whose name passes `test` (asked once per distinct name), in file order. */
  sitesWhere(test: (name: string) => boolean): readonly CommandSite[] {
    const ordinals: number[] = [];
    for (const [name, list] of this.commandIndex.byName) if (test(name)) ordinals.push(...list);
    return this.sitesAt(ordinals);
  }

  private sitesOf(name: string, ordinals: readonly number[] | undefined): readonly CommandSite[] {
    if (!ordinals) return [];
    let list = this.namedCache.get(name);
    if (!list) {
      list = ordinals.map((o) => this.site(o));
      this.namedCache.set(name, list);
    }
    return list;
  }

  private sitesAt(ordinals: number[]): CommandSite[] {
    return ordinals.sort((a, b) => a - b).map((o) => this.site(o));
  }

  run(instr: Instruction): RunInfo | undefined {
    void this.runs;
    return this.byInstr!.get(instr);
  }

  /** Stage by name (case-insensitive, as BuildKit compares), the first one when duplicated. */
  stageByName(name: string): Stage | undefined {
    if (!this.stageNames) {
      this.stageNames = new Map();
      for (const s of this.ast.stages) {
        const key = s.name?.value.toLowerCase();
        if (key && !this.stageNames.has(key)) this.stageNames.set(key, s);
      }
    }
    return this.stageNames.get(name.toLowerCase());
  }

  /** The earlier stage a stage is built on (`FROM build AS test`), if any. */
  parentStage(stage: Stage): Stage | undefined {
    // Rules walk stage chains often (per stage, per child): answer each stage once.
    this.parents ??= new Map();
    if (this.parents.has(stage)) return this.parents.get(stage);
    let parent: Stage | undefined;
    if (stage.base) {
      const p = this.stageByName(stage.base.value);
      parent = p && p.index < stage.index ? p : undefined;
    }
    this.parents.set(stage, parent);
    return parent;
  }

  private analyseRun(run: Instruction, outer: Instruction): RunInfo {
    const scripts: RunScript[] = [];
    const data: Heredoc[] = [];
    if (run.json) {
      const source = jsonSource(run.json);
      scripts.push({ source, shell: this.parseShell(source.text), kind: 'exec' });
    } else {
      const source = argumentSource(this.ast, run);
      // `RUN <<EOF` and `RUN <<EOF bash` run the body as the script; `RUN cat <<EOF >file` feeds it as data.
      // Only the first word matters without heredocs: no need to split every RUN line.
      const hasCommand = source !== null && hasCommandWord(source.text);
      if (source && hasCommand) scripts.push({ source, shell: this.parseShell(source.text), kind: 'command' });
      const rest = run.heredocs.length && source ? source.text.split(/\s+/).filter((w) => w !== '' && !w.startsWith('<<')) : [];
      const bodiesAreScripts = rest.length === 0 || (shells.has(baseName(rest[0])) && !rest.includes('-c'));
      for (const h of run.heredocs) {
        const firstLine = h.content.slice(0, h.content.indexOf('\n') + 1 || undefined);
        if (!bodiesAreScripts || (firstLine.startsWith('#!') && !shellShebang.test(firstLine))) { data.push(h); continue; }
        const body = heredocSource(this.ast, h);
        scripts.push({ source: body, shell: this.parseShell(body.text), kind: 'heredoc' });
      }
    }
    const mounts = run.flags.length === 0 ? NONE : run.flags
      .filter((f) => f.name.toLowerCase() === 'mount' && f.value !== null)
      .map((f) => parseMount(f.value!));
    return {
      run,
      outer,
      stageIndex: outer.stageIndex,
      scripts,
      dataHeredocs: data,
      commands: scripts.length === 1 ? scripts[0].shell.commands : scripts.flatMap((s) => s.shell.commands),
      mounts,
    };
  }
}

/** JavaScript's `\s`. */
function isJsSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Some whitespace-separated word is not a heredoc marker (`<<EOF`). */
function hasCommandWord(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    while (i < text.length && isJsSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) return false;
    if (!text.startsWith('<<', i)) return true;
    while (i < text.length && !isJsSpace(text.charCodeAt(i))) i++;
  }
  return false;
}

const NONE: readonly never[] = [];

const factsByAst = new WeakMap<DockerfileAst, Facts>();

/** The Facts of a parse tree, made once: the linter and ShellCheck's script builder read the same
 *  RUN analyses instead of each parsing every RUN again. `shellParses` (kept from the previous
 *  version of the document) is used when they are made; linting the same tree again reuses both.
 *  `baseImages`: what the caller knows of the base images (the scopes are redone when it changes). */
export function factsOf(ast: DockerfileAst, shellParses?: ShellParseCache, baseImages?: BaseImageLookup): Facts {
  let f = factsByAst.get(ast);
  if (!f) {
    shellParses?.startLint();
    f = new Facts(ast, shellParses);
    factsByAst.set(ast, f);
  }
  f.useBaseImages(baseImages);
  return f;
}

/** Lets the Facts of a tree go while the tree itself stays (an open document keeps its tree, and
 *  the analyses are several times its size). The next factsOf makes them again. */
export function releaseFacts(ast: DockerfileAst): void {
  factsByAst.delete(ast);
}

/** `type=cache,target=/root/.cache` → { type: 'cache', target: '/root/.cache' } (keys lower-cased, bare keys → 'true'). */
export function parseMount(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of splitCsv(value)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    out[key] = eq === -1 ? 'true' : unquote(part.slice(eq + 1).trim());
  }
  return out;
}

/** Split on commas outside double quotes (BuildKit reads mount options as CSV). */
export function splitCsv(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (const c of value) {
    if (c === '"') q = !q;
    if (c === ',' && !q) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** True when a cache or tmpfs mount's target contains `fragment` (hadolint's hasCacheOrTmpfsMountWith). */
export function hasCacheMountWith(run: RunInfo, fragment: string): boolean {
  return run.mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && (m.target ?? m.dst ?? m.destination ?? '').includes(fragment));
}
