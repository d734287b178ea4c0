// Runs the rule catalogue over a parse tree and applies the policy: default severities, then
// .hadolint.yaml (override, ignored), then editor severities, then the file's `# check=`
// directive, then `# hadolint` pragmas. Synchronous and allocation-light: the language server
// calls it on every change.
import type { DockerfileAst, Range } from '../syntax/ast';
import { isBuildkitCheck, rules as catalogue } from './catalogue';
import { factsOf } from './facts';
import type { Rule, RuleConfig, RuleContext } from './rule';
import { readCheckDirective, readPragmas, type CheckDirective, type Pragmas } from './suppression';
import type { Finding, Fix, HadolintConfig, LintOptions, Severity, SeverityOrOff } from './types';

export interface LintRunOptions extends LintOptions {
  /** Called when a rule throws; the rule's findings are dropped and linting goes on. */
  readonly onRuleError?: (ruleId: string, error: unknown) => void;
}

export function lint(ast: DockerfileAst, options: LintRunOptions = {}): Finding[] {
  const policy = new Policy(ast, options);
  const config: RuleConfig = {
    trustedRegistries: options.hadolint?.trustedRegistries ?? [],
    labelSchema: options.hadolint?.labelSchema ?? {},
    strictLabels: options.hadolint?.strictLabels ?? false,
    dockerignore: options.dockerignore ?? null,
  };
  const out: Finding[] = [];
  // By catalogue position: a Map filled with every rule on each lint showed in allocation profiles.
  const severities: (Severity | undefined)[] = new Array(catalogue.length);
  const ctx: RuleContext = {
    ast,
    config,
    facts: factsOf(ast, options.shellParses, options.baseImages),
    report(rule: Rule, range: Range, message?: string, fixes: readonly Fix[] = []) {
      const at = catalogueIndex.get(rule);
      const severity = at === undefined ? undefined : severities[at];
      if (!severity) return;
      const names = policy.namesOf(rule);
      if (policy.pragmas.suppressed(names, range)) return;
      out.push({ ruleId: rule.info.id, severity, message: message ?? rule.message, range, fixes, source: 'berth' });
    },
  };
  for (let at = 0; at < catalogue.length; at++) {
    const rule = catalogue[at];
    if (rule.experimental && !policy.experimentalEnabled(rule)) continue;
    const sev = policy.severityOf(rule);
    if (sev === 'ignore') continue;
    severities[at] = sev;
    const before = out.length;
    try {
      rule.check(ctx);
    } catch (e) {
      out.length = before;
      options.onRuleError?.(rule.info.id, e);
    }
  }
  return sortFindings(out);
}

/** The catalogue's ids in localeCompare order, as numbers: findings at one place are ordered by
 *  rule id often enough that comparing strings showed in profiles. Ids that compare equal share a rank. */
const idRank = (() => {
  const ids = [...new Set(catalogue.map((r) => r.info.id))].sort((a, b) => a.localeCompare(b));
  const rank = new Map<string, number>();
  ids.forEach((id, i) => rank.set(id, i > 0 && ids[i - 1].localeCompare(id) === 0 ? rank.get(ids[i - 1])! : i));
  return rank;
})();

function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const ra = idRank.get(a);
  const rb = idRank.get(b);
  return ra !== undefined && rb !== undefined ? ra - rb : a.localeCompare(b);
}

export function sortFindings<T extends Finding>(findings: T[]): T[] {
  return findings.sort((a, b) =>
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || compareIds(a.ruleId, b.ruleId));
}

const levels: readonly Severity[] = ['error', 'warning', 'info', 'style'];

const catalogueIndex = new Map<Rule, number>(catalogue.map((r, i) => [r, i]));

/** Per rule, computed once: its id and aliases, and the same lower-cased (rules are module singletons). */
interface RuleNames { readonly names: readonly string[]; readonly keys: readonly string[]; readonly buildkit: boolean }

function namesOfRule(rule: Rule): RuleNames {
  const names = rule.info.aliases.length === 0 ? [rule.info.id] : [rule.info.id, ...rule.info.aliases];
  return { names, keys: names.map((x) => x.toLowerCase()), buildkit: isBuildkitCheck(rule) };
}

const catalogueNames: readonly RuleNames[] = catalogue.map(namesOfRule);
const otherNames = new WeakMap<Rule, RuleNames>();

function namesFor(rule: Rule): RuleNames {
  const at = catalogueIndex.get(rule);
  if (at !== undefined) return catalogueNames[at];
  let n = otherNames.get(rule);
  if (!n) {
    n = namesOfRule(rule);
    otherNames.set(rule, n);
  }
  return n;
}

/** What the options (.hadolint.yaml and editor severities) decide, whatever the file: made once per
 *  pair of option objects, since the language server passes the same ones to every lint until
 *  they change. `base` is each catalogue rule's severity before the file's `# check=` directive. */
interface OptionsPolicy {
  readonly override: ReadonlyMap<string, Severity>;
  readonly ignored: ReadonlySet<string>;
  readonly editor: ReadonlyMap<string, SeverityOrOff>;
  readonly base: readonly SeverityOrOff[];
}

const optionsCache = new WeakMap<object, WeakMap<object, OptionsPolicy>>();
const NO_CONFIG: HadolintConfig = {};
const NO_OVERRIDES: Readonly<Record<string, SeverityOrOff>> = {};

function optionsPolicy(options: LintOptions): OptionsPolicy {
  const cfg = options.hadolint ?? NO_CONFIG;
  const overrides = options.severityOverrides ?? NO_OVERRIDES;
  let byOverrides = optionsCache.get(cfg);
  if (!byOverrides) {
    byOverrides = new WeakMap();
    optionsCache.set(cfg, byOverrides);
  }
  let p = byOverrides.get(overrides);
  if (!p) {
    const override = new Map<string, Severity>();
    // hadolint applies override levels from weakest to strongest: a name listed twice ends up strongest.
    for (const lvl of [...levels].reverse()) for (const n of cfg.override?.[lvl] ?? []) override.set(n.toLowerCase(), lvl);
    const ignored = new Set((cfg.ignored ?? []).map((n) => n.toLowerCase()));
    const editor = new Map<string, SeverityOrOff>();
    for (const [k, v] of Object.entries(overrides)) editor.set(k.toLowerCase(), v);
    const partial = { override, ignored, editor };
    p = { ...partial, base: catalogue.map((r, i) => optionSeverity(partial, catalogueNames[i].keys, r.info.defaultSeverity)) };
    byOverrides.set(overrides, p);
  }
  return p;
}

/** Default, then .hadolint.yaml override and ignored, then the editor: the file plays no part. */
function optionSeverity(p: Omit<OptionsPolicy, 'base'>, keys: readonly string[], base: SeverityOrOff): SeverityOrOff {
  let sev = base;
  for (const k of keys) {
    const o = p.override.get(k);
    if (o) { sev = o; break; }
  }
  if (keys.some((k) => p.ignored.has(k))) sev = 'ignore';
  // The id wins over an alias when both are set in the editor.
  for (const k of keys) {
    const e = p.editor.get(k);
    if (e) { sev = e; break; }
  }
  return sev;
}

/** Severity and suppression decisions for one file under one set of options. */
export class Policy {
  readonly pragmas: Pragmas;
  readonly check: CheckDirective | null;
  private readonly options: OptionsPolicy;

  constructor(ast: DockerfileAst, options: LintOptions) {
    const cfg = options.hadolint ?? {};
    const noPragmas = { list: [], shell: null, suppressed: () => false };
    this.pragmas = cfg.disableIgnorePragma ? { ...readPragmas(ast), suppressed: noPragmas.suppressed } : readPragmas(ast);
    const check = readCheckDirective(ast);
    // BuildKit applies none of a directive it cannot parse.
    this.check = check && !check.problem ? check : null;
    this.options = optionsPolicy(options);
  }

  namesOf(rule: Rule): readonly string[] {
    return namesFor(rule).names;
  }

  experimentalEnabled(rule: Rule): boolean {
    const e = this.check?.experimental;
    if (!e) return false;
    return e === 'all' || namesFor(rule).keys.some((k) => e.has(k));
  }

  severityOf(rule: Rule): SeverityOrOff {
    const at = catalogueIndex.get(rule);
    const n = at === undefined ? namesFor(rule) : catalogueNames[at];
    const sev = at === undefined ? optionSeverity(this.options, n.keys, rule.info.defaultSeverity) : this.options.base[at];
    return this.checked(sev, n.keys, n.buildkit);
  }

  /** Policy for a finding that has no Rule object (ShellCheck's SC codes). */
  severityFor(names: readonly string[], base: SeverityOrOff, buildkit = false): SeverityOrOff {
    const keys = names.map((n) => n.toLowerCase());
    return this.checked(optionSeverity(this.options, keys, base), keys, buildkit);
  }

  /** The file's `# check=` directive, applied last. */
  private checked(sev: SeverityOrOff, keys: readonly string[], buildkit: boolean): SeverityOrOff {
    const check = this.check;
    if (check) {
      if (check.skip === 'all' ? buildkit : keys.some((k) => (check.skip as ReadonlySet<string>).has(k))) sev = 'ignore';
      if (check.error && buildkit && sev !== 'ignore') sev = 'error';
    }
    return sev;
  }
}
