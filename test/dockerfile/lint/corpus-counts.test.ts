// How many findings each rule reports on the shared corpus (405 real Dockerfiles), against the
// table checked in beside this test: a change that makes any rule louder or quieter fails here
// and is looked at before it lands (a jump usually means false positives, a drop lost coverage).
// Every rule is on (opt-in ones too), with a label schema and a trusted registry so the rules
// that need them run. After checking the new numbers are right, write them with
//   BERTH_UPDATE_CORPUS_COUNTS=1 node --import tsx --test test/dockerfile/lint/corpus-counts.test.ts
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rules } from '../../../dockerfile/lint/catalogue';
import { lint } from '../../../dockerfile/lint/linter';
import type { SeverityOrOff } from '../../../dockerfile/lint/types';
import { parseDockerfile } from '../../../dockerfile/syntax/parser';
import { corpusDir, corpusSearched } from '../../helpers/dockerfile-corpus';

const TABLE = path.join(__dirname, 'corpus-counts.json');

test('each rule reports as many findings on the corpus as the checked-in table says', (t) => {
  if (!corpusDir) {
    t.skip(`the shared Dockerfile corpus is not beside this clone (looked in ${corpusSearched})`);
    return;
  }
  const severityOverrides: Record<string, SeverityOrOff> = {};
  for (const r of rules) if (r.info.defaultSeverity === 'ignore') severityOverrides[r.info.id] = 'info';
  const counts: Record<string, number> = {};
  for (const r of rules) counts[r.info.id] = 0;
  const files = readdirSync(corpusDir).sort();
  for (const f of files) {
    const ast = parseDockerfile(readFileSync(path.join(corpusDir, f), 'utf8'));
    const out = lint(ast, { severityOverrides, hadolint: { labelSchema: { maintainer: 'email' }, trustedRegistries: ['docker.io'] } });
    for (const x of out) counts[x.ruleId] = (counts[x.ruleId] ?? 0) + 1;
  }
  const actual = { files: files.length, counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))) };
  if (process.env.BERTH_UPDATE_CORPUS_COUNTS) {
    writeFileSync(TABLE, JSON.stringify(actual, null, 2) + '\n');
    return;
  }
  const expected = JSON.parse(readFileSync(TABLE, 'utf8')) as typeof actual;
  const changed = [...new Set([...Object.keys(expected.counts), ...Object.keys(actual.counts)])]
    .filter((id) => expected.counts[id] !== actual.counts[id])
    .map((id) => `${id}: ${expected.counts[id] ?? 'absent'} -> ${actual.counts[id] ?? 'absent'}`);
  assert.equal(actual.files, expected.files, 'the corpus itself changed: update the table');
  assert.deepEqual(changed, [], `findings per rule changed on the corpus; look at them, then update ${path.basename(TABLE)} (see the top of this test)`);
});
