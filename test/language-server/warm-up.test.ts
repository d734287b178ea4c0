// The warm-up runs the real library over its samples without an error, and the samples still make
// a broad set of rules report (their reporting and fix paths are the ones compiled ahead).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Linters } from '../../language-server/diagnostics';
import { dockerfileLibrary } from '../../language-server/library';
import { RuleDocs } from '../../language-server/rule-docs';
import { warmUp } from '../../language-server/warm-up';

test('warm-up lints, tokenizes and builds ShellCheck scripts for samples that fire many rules', () => {
  const lib = dockerfileLibrary();
  const fired = new Set<string>();
  let scripts = 0;
  const linters: Linters = {
    ...lib.linters,
    lint: (ast, options, onRuleError) => {
      const found = lib.linters.lint(ast, options, (id, e) => { onRuleError?.(id, e); assert.fail(`rule ${id} threw: ${String(e)}`); });
      for (const f of found) fired.add(f.ruleId);
      return found;
    },
    shellcheckScripts: (ast, options) => {
      const s = lib.linters.shellcheckScripts(ast, options);
      scripts += s.texts.length;
      return s;
    },
  };
  warmUp(linters, lib.parse, new RuleDocs('/nonexistent'), lib.ruleNames.map((r) => r.name), 1);
  assert.ok(fired.size >= 20, `only ${fired.size} rules fired: ${[...fired].join(' ')}`);
  assert.ok(scripts > 0);
});
