// Every rule's docs page: present, up to date, and its examples behave — the bad one is flagged,
// the good one is not, and where the rule has a fix, fixing the bad one quiets the rule.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rules } from '../../../dockerfile/lint/catalogue';
import { renderIndex, renderRuleDoc } from '../../../dockerfile/lint/rule-docs';
import { applyEdits, findingsOf } from './helpers';

const docsDir = path.resolve(__dirname, '..', '..', '..', 'docs', 'rules');

test('every rule has an up-to-date docs page and the index lists them all', () => {
  const stale: string[] = [];
  for (const r of rules) {
    assert.equal(r.info.docs, `docs/rules/${r.info.id}.md`);
    let text = '';
    try { text = readFileSync(path.join(docsDir, `${r.info.id}.md`), 'utf8'); } catch { /* reported below */ }
    if (text !== renderRuleDoc(r)) stale.push(r.info.id);
  }
  assert.deepEqual(stale, [], 'run: node --import tsx dockerfile/lint/rule-docs.ts');
  assert.equal(readFileSync(path.join(docsDir, 'README.md'), 'utf8'), renderIndex());
  const pages = readdirSync(docsDir).filter((f) => f !== 'README.md').map((f) => f.replace(/\.md$/, '')).sort();
  assert.deepEqual(pages, rules.map((r) => r.info.id).sort(), 'no pages for rules that do not exist');
});

test('rule ids are unique', () => {
  const ids = rules.map((r) => r.info.id);
  assert.equal(new Set(ids).size, ids.length);
});

for (const r of rules) {
  test(`${r.info.id}: the docs example is flagged, the fixed example is not`, () => {
    const opts = r.doc.exampleOptions ?? {};
    assert.ok(findingsOf(r.info.id, r.doc.bad, opts).length > 0, `bad example not flagged:\n${r.doc.bad}`);
    assert.deepEqual(findingsOf(r.info.id, r.doc.good, opts).map((f) => f.message), [], `good example flagged:\n${r.doc.good}`);
    if (r.doc.fix) {
      const f = findingsOf(r.info.id, r.doc.bad, opts)[0];
      assert.ok(f.fixes.length > 0, 'the docs promise a fix');
      const after = applyEdits(r.doc.bad, f.fixes[0].edits);
      assert.notEqual(after, r.doc.bad);
      assert.equal(findingsOf(r.info.id, after, opts).filter((x) => x.range.start.line === f.range.start.line).length, 0, `still flagged after the fix:\n${after}`);
    }
  });
}

test('at least 25 rules have a quick fix', () => {
  assert.ok(rules.filter((r) => r.doc.fix).length >= 25);
});
