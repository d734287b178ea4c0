import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPublicKeyMaterial, looksSecret } from '../../../../dockerfile/lint/rules/env-arg';
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

test('DL3064 stays quiet on public-key material, by name and by value', () => {
  // As official images write them (the shared corpus had 57 such findings, all public).
  leaves('DL3064', 'FROM python:3\nENV GPG_KEY=0D96DF4D4110E5C43FBFB17F2D347EA6AA65421D\n');
  leaves('DL3064', 'FROM python:3\nENV GPG_KEY %%PLACEHOLDER%%\n');
  leaves('DL3064', 'FROM a:1\nENV RABBITMQ_PGP_KEY_ID=0x0A9AF2115F4687BD29803A206B73A36E6026DFCA\n');
  leaves('DL3064', 'FROM a:1\nENV OPENSSL_PGP_KEY_IDS="0x8657ABB260F056B1E5190839D9C4D26D0E604491 0x5B2545DAB21995F4088CEFAA36CEE4DEB00CFE33"\n');
  leaves('DL3064', 'FROM a:1\nENV MANIFEST_TOOL_GPG_KEY=27F3EA268A97867EAF0BD05C0F386284C03A1162 WORDPRESS_CLI_GPG_KEY=63AF7AA15067C05616FDDD88A3A2E8F226F0BC06\n');
  // By value: a key-like name holding nothing but GnuPG key ids, or a fingerprint in a *_KEY_ID variable.
  leaves('DL3064', 'FROM a:1\nENV NODE_RELEASE_KEYS="0x4ED778F539E3634C779C87C6D7062848A1AB005C 0x141F07595B7B3FFE74309A937405533BE57C7D57"\n');
  leaves('DL3064', 'FROM a:1\nARG SIGNING_KEY_ID=C01E1CAD5EA2C4F0B8E3571504C367C218ADD4FF\n');
  // Still secrets: secret words, private key blocks, bare hex in a key or token variable.
  catches('DL3064', 'FROM a:1\nARG GPG_PRIVATE_KEY\n');
  catches('DL3064', 'FROM a:1\nARG GPG_KEY_PASSPHRASE\n');
  catches('DL3064', 'FROM a:1\nENV GPG_KEY="-----BEGIN PGP PRIVATE KEY BLOCK-----"\n');
  catches('DL3064', 'FROM a:1\nENV API_KEY=0D96DF4D4110E5C43FBFB17F2D347EA6AA65421D\n');
  catches('DL3064', 'FROM a:1\nENV GITHUB_TOKEN=0x0D96DF4D4110E5C43FBFB17F2D347EA6AA65421D\n');
  catches('DL3064', 'FROM a:1\nARG SIGNING_KEY\n');
  assert.equal(isPublicKeyMaterial('GPG_KEYS', ''), true, 'by name, whatever the value');
  assert.equal(isPublicKeyMaterial('DEPLOY_KEY', ''), false);
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
