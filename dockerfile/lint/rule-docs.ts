// docs/rules/<id>.md and the index page, rendered from the rules themselves so the pages cannot
// drift from the code. `node --import tsx dockerfile/lint/rule-docs.ts` rewrites them; a test
// checks that the committed pages are what this renders.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildkitCheckNames, isBuildkitCheck, rules } from './catalogue';
import type { Rule } from './rule';

const origins: Record<string, string> = {
  builder: 'Builder error (the build fails)',
  hadolint: 'hadolint',
  buildkit: 'BuildKit build check',
  berth: 'Berth',
};

function fence(text: string): string {
  return '```dockerfile\n' + text.replace(/\n$/, '') + '\n```';
}

export function renderRuleDoc(rule: Rule): string {
  const { info, doc } = rule;
  const names = [info.id, ...info.aliases];
  const severity = info.defaultSeverity === 'ignore' ? 'off (opt in)' : info.defaultSeverity;
  const suppress = [
    `- On one instruction: \`# hadolint ignore=${info.id}\` on the line above it (the editor's "Ignore ${info.id} for this instruction" quick fix writes it).`,
    `- In the whole file: \`# hadolint global ignore=${info.id}\`; from here to the next FROM: \`# hadolint stage ignore=${info.id}\`.`,
    `- In a project: \`ignored: [${info.id}]\` in \`.hadolint.yaml\`, or \`"berth.dockerfile.rules": { "${info.id}": "off" }\` in the editor settings (or error, warning, info, hint to change its severity).`,
  ];
  if (isBuildkitCheck(rule)) {
    const bk = names.find((n) => buildkitCheckNames.has(n)) ?? info.id;
    suppress.push(`- As BuildKit reads it too: \`# check=skip=${bk}\` at the top of the file. \`# check=error=true\` makes this check an error.`);
  }
  if (info.aliases.length > 0) suppress.push(`- Every name above works with any of: ${names.map((n) => `\`${n}\``).join(', ')}.`);
  const parts = [
    `# ${info.id}: ${info.title}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Default severity | ${severity} |`,
    `| Origin | ${origins[info.origin]} |`,
    ...(info.aliases.length ? [`| Also answers to | ${info.aliases.map((a) => `\`${a}\``).join(', ')} |`] : []),
    `| Quick fix | ${doc.fix ? 'yes' : 'ignore only'} |`,
    '',
    '## What it flags',
    '',
    doc.what,
    '',
    '## Why',
    '',
    doc.why,
    '',
    '## Example',
    '',
    'Flagged:',
    '',
    fence(doc.bad),
    '',
    'Fine:',
    '',
    fence(doc.good),
    '',
  ];
  if (doc.options) parts.push('## Options', '', doc.options, '');
  parts.push('## Fix', '', doc.fix ?? 'No automatic fix: change the Dockerfile as in the example.', '');
  parts.push('## Suppress', '', ...suppress, '');
  return parts.join('\n');
}

export function renderIndex(list: readonly Rule[] = rules): string {
  const rows = [...list].sort((a, b) => a.info.id.localeCompare(b.info.id)).map((r) => {
    const sev = r.info.defaultSeverity === 'ignore' ? 'off' : r.info.defaultSeverity;
    const aliases = r.info.aliases.map((a) => `\`${a}\``).join(', ');
    return `| [${r.info.id}](${r.info.id}.md) | ${aliases} | ${r.info.origin} | ${sev} | ${r.doc.fix ? 'yes' : ''} | ${r.info.title} |`;
  });
  const fixes = list.filter((r) => r.doc.fix).length;
  return [
    '# Dockerfile rules',
    '',
    `Berth checks Dockerfiles with ${list.length} rules, ${fixes} of them with a quick fix beyond "ignore". Builder errors`,
    '(`BE…`) are what the builder rejects; `DL…` rules are hadolint\'s, with its ids and default severities;',
    "the others are BuildKit's build checks under their BuildKit names. Where a hadolint rule and a BuildKit",
    'check are the same, one rule answers to both names. ShellCheck findings (`SC…`) come from `shellcheck` itself',
    'when it is installed.',
    '',
    'Every name in the table (ids and aliases) works in `# hadolint ignore=…`, `# check=skip=…`,',
    '`.hadolint.yaml` (`ignored`, `override`) and the `berth.dockerfile.rules` setting.',
    '',
    'The editor\'s "Ignore … for this instruction" fix writes `# hadolint ignore=<id>` above the instruction,',
    'with the Berth id. For BuildKit checks that id is the check name (`# hadolint ignore=FromAsCasing`):',
    'Berth honours it, hadolint skips a pragma naming a non-DL rule, and BuildKit does not read hadolint',
    'pragmas at all. So BuildKit checks also get a second fix, `# check=skip=<Name>` at the top of the file,',
    'which `docker build --check` honours as well (it applies to the whole file).',
    '',
    '| Id | Also | Origin | Default | Fix | Rule |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    '## Not checked here',
    '',
    "- BuildKit's InvalidBaseImagePlatform compares the platform of the pulled base image with the target;",
    '  the linter never contacts a registry, so it cannot know the former.',
    "- hadolint's rule ids DL3005, DL3017, DL3031, DL3039 and DL4002 were retired by hadolint and are not used.",
    '',
  ].join('\n');
}

export function writeRuleDocs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const r of rules) writeFileSync(path.join(dir, `${r.info.id}.md`), renderRuleDoc(r));
  writeFileSync(path.join(dir, 'README.md'), renderIndex());
}

if (require.main === module) {
  writeRuleDocs(path.resolve(__dirname, '..', '..', 'docs', 'rules'));
}
