// The shape every rule module fills in: what the rule is (for the catalogue and its docs page)
// and a check that reports through the context. Rules never decide severity or suppression:
// the linter applies defaults, config, directives and pragmas after all rules have run.
import type { DockerfileAst, Range } from '../syntax/ast';
import type { Facts } from './facts';
import type { DockerignoreMatcher, Fix, LabelType, LintOptions, RuleInfo } from './types';

/** The text of a docs/rules/<id>.md page, kept next to the rule so the two cannot drift. */
export interface RuleDoc {
  /** What the rule flags, one or two sentences. */
  readonly what: string;
  /** Why it matters. */
  readonly why: string;
  /** A Dockerfile the rule flags; the docs test lints it and expects the rule. */
  readonly bad: string;
  /** The same Dockerfile written so the rule is quiet; the docs test checks that too. */
  readonly good: string;
  /** What the quick fix does, when the rule has one. */
  readonly fix?: string;
  /** Options that change the rule (config keys), when there are any. */
  readonly options?: string;
  /** Lint options the bad/good examples need (label schema, trusted registries …). */
  readonly exampleOptions?: LintOptions;
}

export interface Rule {
  readonly info: RuleInfo;
  /** The message used when a report gives none. */
  readonly message: string;
  readonly doc: RuleDoc;
  /** Experimental BuildKit checks run only when `# check=experimental=` names them. */
  readonly experimental?: boolean;
  check(ctx: RuleContext): void;
}

/** Rule-relevant parts of the configuration, resolved once per lint. */
export interface RuleConfig {
  readonly trustedRegistries: readonly string[];
  readonly labelSchema: Readonly<Record<string, LabelType>>;
  readonly strictLabels: boolean;
  readonly dockerignore: DockerignoreMatcher | null;
}

export interface RuleContext {
  readonly ast: DockerfileAst;
  readonly config: RuleConfig;
  /** Shared analyses (shell commands of each RUN, stage graph, variables), computed once on first use. */
  readonly facts: Facts;
  report(rule: Rule, range: Range, message?: string, fixes?: readonly Fix[]): void;
}
