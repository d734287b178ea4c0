// LABEL keys and the label schema from .hadolint.yaml (label-schema, strict-labels).
import type { Stage } from '../../syntax/ast';
import spdxIds from 'spdx-license-ids/index.json';
import { defineRule, type RuleSpec } from '../define';
import type { Rule, RuleContext } from '../rule';
import type { LabelType } from '../types';
import { pairsOf, type Pair } from '../views';

function labelPairs(ctx: RuleContext): { pair: Pair; stageIndex: number }[] {
  const out: { pair: Pair; stageIndex: number }[] = [];
  for (const i of ctx.ast.instructions) {
    if (i.keyword !== 'LABEL') continue;
    for (const pair of pairsOf(i)) out.push({ pair, stageIndex: i.stageIndex });
  }
  return out;
}

const labelKeyChars = /^[0-9a-z.\-_/]*$/;

export function labelKeyProblem(key: string): string | null {
  if (!/^[a-z]/.test(key)) return 'must start with a lowercase letter';
  if (!/[a-z0-9]$/.test(key)) return 'must end with a lowercase letter or digit';
  if (!labelKeyChars.test(key)) return 'may only contain lowercase letters, digits, ".", "-", "_" and "/"';
  if (/^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/.test(key)) return 'uses a namespace reserved for Docker';
  if (key.includes('..') || key.includes('--')) return 'has consecutive separators';
  return null;
}

export const DL3048 = defineRule({
  id: 'DL3048',
  origin: 'hadolint',
  severity: 'style',
  title: 'Invalid label key',
  message: 'Invalid label key',
  doc: {
    what: 'A LABEL key that breaks the label key conventions: lowercase letters, digits, `.`, `-`, `_`, `/`; starting with a letter, ending with a letter or digit; no `..` or `--`; not in the reserved `com.docker.`, `io.docker.`, `org.dockerproject.` namespaces.',
    why: 'Tools that read labels expect reverse-DNS, lowercase keys; other keys are easy to mistype and clash.',
    bad: 'FROM debian:12\nLABEL Maintainer=jane\n',
    good: 'FROM debian:12\nLABEL org.opencontainers.image.authors=jane\n',
  },
  check(ctx, self) {
    for (const { pair } of labelPairs(ctx)) {
      if (pair.key.includes('$')) continue;
      const problem = labelKeyProblem(pair.key);
      if (problem) ctx.report(self, pair.keyRange, `Invalid label key "${pair.key}": it ${problem}`);
    }
  },
});

/** Stages whose labels count for a stage: itself and the stages it is built on. */
function chain(ctx: RuleContext, stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = ctx.facts.parentStage(s)) out.push(s);
  return out;
}

export const DL3049 = defineRule({
  id: 'DL3049',
  origin: 'hadolint',
  severity: 'info',
  title: 'Required label missing',
  message: 'Required label is missing',
  doc: {
    what: 'A stage lacks a label named in `label-schema`. Stages that only feed `COPY --from` are left alone, and labels of the stage a stage is built on count.',
    why: 'Teams use a label schema so every image says who owns it, where its source is and what version it is.',
    bad: 'FROM debian:12\n',
    good: 'FROM debian:12\nLABEL org.opencontainers.image.source=https://example.com/repo\n',
    options: '`label-schema: {name: text|url|semver|hash|rfc3339|spdx|email}` in `.hadolint.yaml`.',
    exampleOptions: { hadolint: { labelSchema: { 'org.opencontainers.image.source': 'url' } } },
  },
  check(ctx, self) {
    const schema = Object.keys(ctx.config.labelSchema);
    if (schema.length === 0) return;
    const copiedFrom = new Set<string>();
    for (const i of ctx.ast.instructions) {
      const f = i.keyword === 'COPY' ? i.flags.find((x) => x.name.toLowerCase() === 'from') : undefined;
      if (f?.value) copiedFrom.add(f.value.toLowerCase());
    }
    const usedAsBase = new Set(ctx.ast.stages.map((s) => ctx.facts.parentStage(s)?.index).filter((x): x is number => x !== undefined));
    for (const s of ctx.ast.stages) {
      if (s.name && copiedFrom.has(s.name.value.toLowerCase()) && s.index !== ctx.ast.stages.length - 1) continue;
      if (usedAsBase.has(s.index) && s.index !== ctx.ast.stages.length - 1) continue;
      const have = new Set<string>();
      for (const c of chain(ctx, s)) for (const i of c.instructions) if (i.keyword === 'LABEL') for (const p of pairsOf(i)) have.add(p.key);
      for (const label of schema) {
        if (!have.has(label)) ctx.report(self, s.from.keywordToken.range, `Label "${label}" is missing`);
      }
    }
  },
});

export const DL3050 = defineRule({
  id: 'DL3050',
  origin: 'hadolint',
  severity: 'info',
  title: 'Superfluous label',
  message: 'Superfluous label present',
  doc: {
    what: 'With `strict-labels: true`, a LABEL key that is not in `label-schema`.',
    why: 'A strict schema keeps image metadata to the agreed set of labels.',
    bad: 'FROM debian:12\nLABEL team=web\n',
    good: 'FROM debian:12\nLABEL org.opencontainers.image.source=https://example.com/repo\n',
    options: '`strict-labels: true` and `label-schema` in `.hadolint.yaml`.',
    exampleOptions: { hadolint: { strictLabels: true, labelSchema: { 'org.opencontainers.image.source': 'url' } } },
  },
  check(ctx, self) {
    if (!ctx.config.strictLabels) return;
    for (const { pair } of labelPairs(ctx)) {
      if (!(pair.key in ctx.config.labelSchema)) ctx.report(self, pair.keyRange, `Label "${pair.key}" is not in the label schema`);
    }
  },
});

export const DL3051 = defineRule({
  id: 'DL3051',
  origin: 'hadolint',
  severity: 'warning',
  title: 'Label is empty',
  message: 'Label is empty',
  doc: {
    what: 'A label named in `label-schema` has an empty value.',
    why: 'An empty required label satisfies the schema on paper only.',
    bad: 'FROM debian:12\nLABEL org.opencontainers.image.version=""\n',
    good: 'FROM debian:12\nLABEL org.opencontainers.image.version=1.2.3\n',
    options: '`label-schema` in `.hadolint.yaml`.',
    exampleOptions: { hadolint: { labelSchema: { 'org.opencontainers.image.version': 'text' } } },
  },
  check(ctx, self) {
    for (const { pair } of labelPairs(ctx)) {
      if (pair.key in ctx.config.labelSchema && pair.value === '') ctx.report(self, pair.range, `Label "${pair.key}" is empty`);
    }
  },
});

// RFC 3339 date-time, as hadolint's parseTimeRFC3339 accepts.
const rfc3339 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
// semver.org's regular expression for a SemVer 2.0.0 version.
const semver = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const email = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const spdx = new Set<string>(spdxIds);

function validUrl(v: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) return false;
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
}

const validators: Record<Exclude<LabelType, 'text'>, (v: string) => boolean> = {
  url: validUrl,
  rfc3339: (v) => rfc3339.test(v),
  spdx: (v) => spdx.has(v),
  hash: (v) => /^[0-9a-f]+$/.test(v) && (v.length === 40 || v.length === 7),
  semver: (v) => semver.test(v),
  email: (v) => email.test(v),
};

function schemaRule(id: string, type: Exclude<LabelType, 'text'>, what: string, spec: Pick<RuleSpec, 'doc'>): Rule {
  return defineRule({
    id,
    origin: 'hadolint',
    severity: 'warning',
    title: `Label is not ${what}`,
    message: `Label is not ${what}`,
    doc: spec.doc,
    check(ctx, self) {
      for (const { pair } of labelPairs(ctx)) {
        if (ctx.config.labelSchema[pair.key] !== type || pair.value === '' || pair.value.includes('$')) continue;
        if (!validators[type](pair.value)) ctx.report(self, pair.range, `Label "${pair.key}" is not ${what}: "${pair.value}"`);
      }
    },
  });
}

const schemaDoc = (key: string, type: string, bad: string, good: string, why: string) => ({
  what: `A label whose \`label-schema\` type is \`${type}\` has a value of another shape.`,
  why,
  bad: `FROM debian:12\nLABEL ${key}=${bad}\n`,
  good: `FROM debian:12\nLABEL ${key}=${good}\n`,
  options: '`label-schema` in `.hadolint.yaml`.',
  exampleOptions: { hadolint: { labelSchema: { [key]: type as LabelType } } },
});

export const DL3052 = schemaRule('DL3052', 'url', 'a valid URL', {
  doc: schemaDoc('org.opencontainers.image.source', 'url', 'example.com/repo', 'https://example.com/repo', 'Tools follow URL labels; a value without a scheme leads nowhere.'),
});
export const DL3053 = schemaRule('DL3053', 'rfc3339', 'a valid RFC 3339 time', {
  doc: schemaDoc('org.opencontainers.image.created', 'rfc3339', '2024-05-01', '2024-05-01T12:00:00Z', 'The OCI image spec defines creation time labels as RFC 3339 date-times.'),
});
export const DL3054 = schemaRule('DL3054', 'spdx', 'a valid SPDX license identifier', {
  doc: schemaDoc('org.opencontainers.image.licenses', 'spdx', 'Apache2', 'Apache-2.0', 'License scanners match SPDX identifiers exactly.'),
});
export const DL3055 = schemaRule('DL3055', 'hash', 'a valid git hash', {
  doc: schemaDoc('org.opencontainers.image.revision', 'hash', 'main', '0123456789abcdef0123456789abcdef01234567', 'A revision label must name one commit (7 or 40 lowercase hex digits), not a branch.'),
});
export const DL3056 = schemaRule('DL3056', 'semver', 'a semantic version', {
  doc: schemaDoc('org.opencontainers.image.version', 'semver', 'v1.2', '1.2.0', 'Version labels that follow SemVer can be compared and sorted by tools.'),
});
export const DL3058 = schemaRule('DL3058', 'email', 'a valid email address', {
  doc: schemaDoc('maintainer', 'email', 'jane-at-example.com', 'jane@example.com', 'An address label is only useful if mail can reach it.'),
});

export const labelRules = [DL3048, DL3049, DL3050, DL3051, DL3052, DL3053, DL3054, DL3055, DL3056, DL3058];
