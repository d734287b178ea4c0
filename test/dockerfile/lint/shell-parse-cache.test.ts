// Re-linting an edited document with the shell parses of its previous lint: same findings as a
// fresh lint, scripts reused only while their text is unchanged, never shared by two RUNs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ruleInfos } from '../../../dockerfile/lint/catalogue';
import { lint } from '../../../dockerfile/lint/linter';
import { ShellParseCache } from '../../../dockerfile/lint/shell/parse-cache';
import { parseDockerfile } from '../../../dockerfile/syntax/parser';

const allRules = Object.fromEntries(ruleInfos.map((r) => [r.id, 'info' as const]));

const versions = [
  'FROM debian:12\nRUN apt-get update && apt-get install curl\nRUN pip install flask\n',
  'FROM debian:12\nRUN apt-get update && apt-get install curl\nRUN pip install flask\nRUN apt-get update && apt-get install curl\n',
  'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN pip install flask\nRUN apt-get update && apt-get install curl\n',
  'FROM debian:12\nRUN <<EOF\napt-get install curl\nEOF\nRUN pip install flask\n',
];

test('findings with the cache equal findings without it, version after version', () => {
  const cache = new ShellParseCache();
  for (const text of versions) {
    const cached = lint(parseDockerfile(text), { severityOverrides: allRules, shellParses: cache });
    const fresh = lint(parseDockerfile(text), { severityOverrides: allRules });
    assert.deepEqual(cached, fresh, text);
  }
});

test('a script is reused while its text is unchanged, and handed out once per lint', () => {
  const cache = new ShellParseCache();
  cache.startLint();
  const first = cache.parse('pip install flask');
  const twin = cache.parse('pip install flask');
  assert.notEqual(twin, first, 'two RUNs with the same text get their own scripts');
  assert.deepEqual(twin, first);
  cache.startLint();
  assert.equal(cache.parse('pip install flask'), first, 'kept from the previous lint');
  cache.startLint();
  cache.startLint();
  assert.notEqual(cache.parse('pip install flask'), first, 'dropped once a lint did not use it');
});
