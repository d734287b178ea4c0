import { test } from 'node:test';
import type { LintOptions } from '../../../../dockerfile/lint/types';
import { catches, leaves } from '../helpers';

test('DL3048 label keys', () => {
  for (const bad of ['Maintainer', 'com.docker.x', 'a..b', 'a-', '1abc', 'a b']) catches('DL3048', `FROM a:1\nLABEL "${bad}"=x\n`);
  leaves('DL3048', 'FROM a:1\nLABEL org.opencontainers.image.title=x maintainer=y\n');
});

const schema: LintOptions = { hadolint: { labelSchema: {
  url: 'url', created: 'rfc3339', license: 'spdx', rev: 'hash', version: 'semver', email: 'email', team: 'text',
} } };

test('DL3049..DL3058 label schema', () => {
  catches('DL3049', 'FROM a:1\nLABEL team=x\n', schema);
  leaves('DL3049', 'FROM a:1\n');
  const full = 'FROM a:1\nLABEL url=https://x.example created=2024-01-02T03:04:05Z license=MIT rev=abcdef0 version=1.2.3-rc.1 email=a@b.example team=web\n';
  for (const id of ['DL3049', 'DL3050', 'DL3051', 'DL3052', 'DL3053', 'DL3054', 'DL3055', 'DL3056', 'DL3058']) leaves(id, full, schema);
  catches('DL3050', 'FROM a:1\nLABEL other=1\n', { hadolint: { ...schema.hadolint, strictLabels: true } });
  catches('DL3051', 'FROM a:1\nLABEL team=""\n', schema);
  catches('DL3052', 'FROM a:1\nLABEL url=not-a-url\n', schema);
  catches('DL3053', 'FROM a:1\nLABEL created=yesterday\n', schema);
  catches('DL3054', 'FROM a:1\nLABEL license=GPL\n', schema);
  catches('DL3055', 'FROM a:1\nLABEL rev=ABCDEF0\n', schema);
  catches('DL3056', 'FROM a:1\nLABEL version=1.2\n', schema);
  catches('DL3058', 'FROM a:1\nLABEL email=nobody\n', schema);
  // Labels of the stage a stage is built on count; stages only copied from are not checked.
  leaves('DL3049', 'FROM a:1 AS base\nLABEL url=https://x created=2024-01-02T03:04:05Z license=MIT rev=abcdef0 version=1.0.0 email=a@b.c team=t\nFROM base\n', schema);
});
