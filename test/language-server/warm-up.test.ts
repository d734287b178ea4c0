// The warm-up runs the real library over its samples without an error, and the samples still make
// a broad set of rules report (their reporting and fix paths are the ones compiled ahead).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Linters } from '../../language-server/diagnostics';
import { dockerfileLibrary } from '../../language-server/library';
import { RuleDocs } from '../../language-server/rule-docs';
import { warmUp, warmUpServerPaths } from '../../language-server/warm-up';

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

test('the server-path warm-up lints each sample on open and on an edit, maps canned ShellCheck answers, and starts no process', async () => {
  const lib = dockerfileLibrary();
  let lints = 0;
  let mapped = 0;
  const located: string[] = [];
  const linters: Linters = {
    ...lib.linters,
    lint: (ast, options, onRuleError) => {
      lints++;
      return lib.linters.lint(ast, options, (id, e) => { onRuleError?.(id, e); assert.fail(`rule ${id} threw: ${String(e)}`); });
    },
    shellcheckScripts: (ast, options) => {
      const s = lib.linters.shellcheckScripts(ast, options);
      return { texts: s.texts, findings: (comments) => { mapped += comments.length; return s.findings(comments); } };
    },
  };
  await warmUpServerPaths(linters, lib.parse, new RuleDocs('/nonexistent'), lib.parseHadolintConfig, (exe) => located.push(exe));
  assert.ok(lints >= 4, `linted ${lints} times`);
  assert.ok(mapped > 0, 'no canned ShellCheck answer was mapped to findings');
  assert.deepEqual(located, ['shellcheck']);
});
