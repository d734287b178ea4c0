// Every rule Berth knows, in one list, and lookups by id or alias. A rule answers to its id and
// to its aliases (the hadolint DL id or the BuildKit check name it matches), in pragmas, the
// `# check=` directive, `.hadolint.yaml` and editor settings alike; names compare without case.
import type { Rule } from './rule';
import { aptRules } from './rules/apt';
import { builderRules } from './rules/builder-errors';
import { cacheMountRules } from './rules/cache-mounts';
import { casingRules } from './rules/casing';
import { copyAddRules } from './rules/copy-add';
import { envArgRules } from './rules/env-arg';
import { exposeRules } from './rules/expose';
import { fromRules } from './rules/from';
import { imageConfigRules } from './rules/image-config';
import { labelRules } from './rules/labels';
import { miscRules } from './rules/misc';
import { packageRules } from './rules/packages';
import { rpmRules } from './rules/rpm';
import { runCommandRules } from './rules/run-commands';
import { stageRules } from './rules/stages';
import { variableRules } from './rules/variables';
import { workdirUserRules } from './rules/workdir-user';
import type { RuleInfo } from './types';

export const rules: readonly Rule[] = [
  ...builderRules,
  ...variableRules,
  ...stageRules,
  ...casingRules,
  ...fromRules,
  ...imageConfigRules,
  ...workdirUserRules,
  ...exposeRules,
  ...copyAddRules,
  ...envArgRules,
  ...labelRules,
  ...miscRules,
  ...aptRules,
  ...rpmRules,
  ...packageRules,
  ...cacheMountRules,
  ...runCommandRules,
];

export const ruleInfos: readonly RuleInfo[] = rules.map((r) => r.info);

/** BuildKit's build check names (frontend/dockerfile/linter). */
export const buildkitCheckNames: ReadonlySet<string> = new Set([
  'StageNameCasing', 'FromAsCasing', 'NoEmptyContinuation', 'ConsistentInstructionCasing', 'DuplicateStageName',
  'ReservedStageName', 'JSONArgsRecommended', 'MaintainerDeprecated', 'UndefinedArgInFrom', 'WorkdirRelativePath',
  'UndefinedVar', 'MultipleInstructionsDisallowed', 'LegacyKeyValueFormat', 'InvalidBaseImagePlatform',
  'RedundantTargetPlatform', 'SecretsUsedInArgOrEnv', 'InvalidDefaultArgInFrom', 'FromPlatformFlagConstDisallowed',
  'CopyIgnoredFile', 'InvalidDefinitionDescription', 'ExposeProtoCasing', 'ExposeInvalidFormat',
]);

/** True when the rule is one of BuildKit's checks (by id or alias): `check=skip=all` and `check=error=true` apply. */
export function isBuildkitCheck(rule: Rule): boolean {
  return rule.info.origin === 'buildkit' || rule.info.aliases.some((a) => buildkitCheckNames.has(a));
}

const byName = new Map<string, Rule[]>();
for (const r of rules) {
  for (const n of [r.info.id, ...r.info.aliases]) {
    const key = n.toLowerCase();
    const list = byName.get(key) ?? [];
    list.push(r);
    byName.set(key, list);
  }
}

/** The rule with this id (exact id first, case-insensitive). */
export function findRule(id: string): Rule | undefined {
  return rules.find((r) => r.info.id === id) ?? byName.get(id.toLowerCase())?.find((r) => r.info.id.toLowerCase() === id.toLowerCase());
}

/** Every rule that answers to `name` (an id or an alias; one alias may name several rules). */
export function rulesNamed(name: string): readonly Rule[] {
  return byName.get(name.toLowerCase()) ?? [];
}
