// The linter's vocabulary, shared by berth-lint and the language server.
import type { Range } from '../syntax/ast';
import type { BaseImageLookup } from './base-image';
import type { ShellParseCache } from './shell/parse-cache';

/** hadolint's levels; `ignore` turns a rule off. */
export type Severity = 'error' | 'warning' | 'info' | 'style';
export type SeverityOrOff = Severity | 'ignore';

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface Fix {
  /** Imperative, shown in the quick-fix menu: "Add --no-install-recommends". */
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The one fix an editor may apply on "fix all" / save. */
  readonly preferred?: boolean;
}

export interface Finding {
  /** Berth's stable id (e.g. `DL3006`, `FromAsCasing`, `BE0001`). */
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: Range;
  readonly fixes: readonly Fix[];
  /** ShellCheck findings carry their SC code here and ruleId `SCxxxx`. */
  readonly source: 'berth' | 'shellcheck';
}

export type RuleOrigin = 'builder' | 'hadolint' | 'buildkit' | 'berth';

export interface RuleInfo {
  readonly id: string;
  /** Other names the rule answers to in pragmas and config (`FromAsCasing` for a DL id and so on). */
  readonly aliases: readonly string[];
  readonly origin: RuleOrigin;
  readonly defaultSeverity: SeverityOrOff;
  /** One line, shown in hover and the docs index. */
  readonly title: string;
  /** Relative docs path, `docs/rules/<id>.md`. */
  readonly docs: string;
}

/** Value types a `.hadolint.yaml` `label-schema` entry may name (hadolint's words). */
export type LabelType = 'text' | 'url' | 'semver' | 'hash' | 'rfc3339' | 'spdx' | 'email';

/** What `.hadolint.yaml` says, already validated (see hadolint-config.ts). Every key optional. */
export interface HadolintConfig {
  readonly ignored?: readonly string[];
  readonly override?: Partial<Record<Severity, readonly string[]>>;
  readonly trustedRegistries?: readonly string[];
  readonly failureThreshold?: SeverityOrOff | 'none';
  readonly labelSchema?: Readonly<Record<string, LabelType>>;
  readonly strictLabels?: boolean;
  readonly disableIgnorePragma?: boolean;
  readonly noFail?: boolean;
  /** Output settings only berth-lint reads (the editor has no use for them); `format` unchecked here. */
  readonly format?: string;
  readonly noColor?: boolean;
  readonly verbose?: boolean;
}

/** True when `.dockerignore` excludes `path` (context-relative, forward slashes, no leading `./`). */
export type DockerignoreMatcher = (path: string) => boolean;

export interface LintOptions {
  /** Per-rule severities from editor settings, keyed by rule id or alias; applied after the config. */
  readonly severityOverrides?: Readonly<Record<string, SeverityOrOff>>;
  readonly hadolint?: HadolintConfig;
  /** Enables CopyIgnoredFile. */
  readonly dockerignore?: DockerignoreMatcher;
  /** One per document being edited: RUN commands unchanged since the last lint are not parsed again. */
  readonly shellParses?: ShellParseCache;
  /** The base images' config (ENV, USER, WORKDIR, SHELL) where the caller knows it (the language
   *  server, from the engine). Without it, rules assume nothing about base images. */
  readonly baseImages?: BaseImageLookup;
}
