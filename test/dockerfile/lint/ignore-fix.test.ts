import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rules } from '../../../dockerfile/lint/catalogue';
import { ignoreFix, ignoreFixes, skipCheckFix } from '../../../dockerfile/lint/ignore-fix';
import { parseDockerfile } from '../../../dockerfile/syntax/parser';
import { applyEdits, findingsOf, lintText } from './helpers';

function ignoreApplied(ruleId: string, text: string): string {
  const f = findingsOf(ruleId, text)[0];
  const fix = ignoreFix(parseDockerfile(text), f);
  assert.ok(fix);
  return applyEdits(text, fix.edits);
}

test('inserts a pragma above the instruction, with its indentation, and the finding goes away', () => {
  const text = 'FROM debian:12\n  RUN apt-get update && \\\n      apt-get install -y curl\n';
  const after = ignoreApplied('DL3008', text);
  assert.equal(after, 'FROM debian:12\n  # hadolint ignore=DL3008\n  RUN apt-get update && \\\n      apt-get install -y curl\n');
  assert.equal(findingsOf('DL3008', after).length, 0);
});

test('extends an existing pragma, keeping a trailing reason', () => {
  const text = 'FROM debian:12\n# hadolint ignore=DL3015 # reviewed\nRUN apt-get install -y curl\n';
  const after = ignoreApplied('DL3008', text);
  assert.equal(after, 'FROM debian:12\n# hadolint ignore=DL3015,DL3008 # reviewed\nRUN apt-get install -y curl\n');
  assert.deepEqual(lintText(after).filter((f) => f.ruleId === 'DL3008' || f.ruleId === 'DL3015'), []);
});

test('every rule that fires on its docs example can be ignored on that line', () => {
  for (const r of rules) {
    const opts = r.doc.exampleOptions ?? {};
    const text = r.doc.bad;
    const before = findingsOf(r.info.id, text, opts);
    const target = before.find((f) => parseDockerfile(text).instructions.some((i) => f.range.start.line >= i.startLine && f.range.start.line <= i.endLine));
    if (!target) continue;
    const fix = ignoreFix(parseDockerfile(text), target);
    assert.ok(fix, r.info.id);
    const after = applyEdits(text, fix.edits);
    const left = findingsOf(r.info.id, after, opts).length;
    assert.ok(left < before.length, `${r.info.id}: ignoring did not suppress\n${after}`);
  }
});

test('BuildKit checks also get a # check=skip= fix that creates or extends the directive', () => {
  const text = 'FROM a:1 as b\n';
  const f = findingsOf('FromAsCasing', text)[0];
  const ast = parseDockerfile(text);
  assert.equal(ignoreFixes(ast, f).length, 2);
  assert.equal(applyEdits(text, skipCheckFix(ast, f)!.edits), '# check=skip=FromAsCasing\nFROM a:1 as b\n');
  const withDirective = '# check=error=true\nFROM a:1 as b\nMAINTAINER me\n';
  const m = findingsOf('DL4000', withDirective)[0];
  const after = applyEdits(withDirective, skipCheckFix(parseDockerfile(withDirective), m)!.edits);
  assert.equal(after, '# check=skip=MaintainerDeprecated;error=true\nFROM a:1 as b\nMAINTAINER me\n');
  assert.equal(findingsOf('DL4000', after).length, 0);
  assert.equal(skipCheckFix(ast, findingsOf('DL3006', 'FROM a\n')[0]), null);
});
