// Every file of the shared corpus (405 real Dockerfiles) lints without a rule throwing, every
// finding has a range inside the file, and every fix edit stays inside it too.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { lint } from '../../../dockerfile/lint/linter';
import { ignoreFixes } from '../../../dockerfile/lint/ignore-fix';
import { parseDockerfile } from '../../../dockerfile/syntax/parser';
import { corpusDir, corpusSearched } from '../../helpers/dockerfile-corpus';

test('the corpus lints without a rule throwing, with ranges and edits inside the files', (t) => {
  const dir = corpusDir;
  if (!dir) {
    t.skip(`the shared Dockerfile corpus is not beside this clone (looked in ${corpusSearched})`);
    return;
  }
  const files = readdirSync(dir).sort();
  assert.ok(files.length >= 400);
  const failures: string[] = [];
  let findings = 0;
  for (const f of files) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    const ast = parseDockerfile(text);
    const out = lint(ast, { onRuleError: (id, e) => failures.push(`${f}: ${id}: ${(e as Error).message}`), hadolint: { labelSchema: { maintainer: 'email' }, trustedRegistries: ['docker.io'] } });
    findings += out.length;
    const inside = (p: { line: number; character: number }) => p.line >= 0 && p.line <= ast.lines.length && p.character >= 0;
    for (const x of out) {
      if (!inside(x.range.start) || !inside(x.range.end)) failures.push(`${f}: ${x.ruleId} range outside the file`);
      for (const fix of [...x.fixes, ...ignoreFixes(ast, x)]) {
        for (const e of fix.edits) if (!inside(e.range.start) || !inside(e.range.end)) failures.push(`${f}: ${x.ruleId} fix outside the file`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(findings > 0);
});
