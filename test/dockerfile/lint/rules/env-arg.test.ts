import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looksSecret } from '../../../../dockerfile/lint/rules/env-arg';
import { catches, covered, fixed, leaves } from '../helpers';

test('DL3064 / SecretsUsedInArgOrEnv', () => {
  for (const s of ['GITHUB_TOKEN', 'db_password', 'API_KEY', 'AWS_SECRET_ACCESS_KEY', 'MY_AUTH', 'SSH_PRIVATE', 'credentials']) assert.ok(looksSecret(s), s);
  for (const s of ['PUBLIC_KEY', 'TOKEN_FILE', 'KEY_VERSION', 'NODE_VERSION', 'MONKEY', 'USERNAME', 'AUTHOR']) assert.ok(!looksSecret(s), s);
  const text = 'FROM a:1\nENV A=1 DB_PASSWORD=x\n';
  assert.equal(covered(text, catches('DL3064', text)[0]), 'DB_PASSWORD');
  catches('DL3064', 'FROM a:1\nARG NPM_TOKEN\n');
  leaves('DL3064', 'FROM a:1\nARG NODE_VERSION=22\n');
  leaves('DL3064', 'FROM a:1\nARG NPM_TOKEN\n', { severityOverrides: { SecretsUsedInArgOrEnv: 'ignore' } });
});

test('DL3044 ENV self reference', () => {
  catches('DL3044', 'FROM a:1\nENV A=1 B=$A\n');
  catches('DL3044', 'FROM a:1\nENV A=1 B=${A}/x\n');
  leaves('DL3044', 'FROM a:1\nENV A=1\nENV B=$A\n');
  leaves('DL3044', 'FROM a:1\nENV A=1\nENV A=2 B=$A\n');
  leaves('DL3044', 'FROM a:1\nENV A=1 B=$AB\n');
});

test('LegacyKeyValueFormat with a key=value fix', () => {
  assert.equal(fixed('LegacyKeyValueFormat', 'FROM a:1\nENV PORT 8080\n'), 'FROM a:1\nENV PORT=8080\n');
  assert.equal(fixed('LegacyKeyValueFormat', 'FROM a:1\nENV MSG hello world\n'), 'FROM a:1\nENV MSG="hello world"\n');
  assert.equal(fixed('LegacyKeyValueFormat', 'FROM a:1\nLABEL desc "a b"\n'), 'FROM a:1\nLABEL desc="a b"\n');
  leaves('LegacyKeyValueFormat', 'FROM a:1\nENV PORT=8080 A="b c"\n');
});
