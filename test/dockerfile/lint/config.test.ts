import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { findHadolintConfig, hadolintConfigCandidates, parseHadolintConfig } from '../../../dockerfile/lint/hadolint-config';

test('every key hadolint reads', () => {
  const { config, problems } = parseHadolintConfig(`
failure-threshold: warning
ignored: [DL3008, SC2086]
override:
  error: [DL3015]
  style: DL3059
trustedRegistries: docker.io
label-schema:
  author: text
  url: url
strict-labels: true
disable-ignore-pragma: true
no-fail: false
format: tty
no-color: true
`);
  assert.deepEqual(problems, []);
  assert.deepEqual(config, {
    failureThreshold: 'warning', ignored: ['DL3008', 'SC2086'], override: { error: ['DL3015'], style: ['DL3059'] },
    trustedRegistries: ['docker.io'], labelSchema: { author: 'text', url: 'url' }, strictLabels: true, disableIgnorePragma: true, noFail: false,
    format: 'tty', noColor: true,
  });
});

test('bad keys and values are named', () => {
  const { problems } = parseHadolintConfig('failure-threshold: loud\noverride:\n  fatal: [DL1]\nlabel-schema:\n  a: number\nstrict-labels: yes please\nignore: [DL3008]\n', 'x.yaml');
  assert.equal(problems.length, 5);
  assert.match(problems[0], /x\.yaml: "failure-threshold" must be one of error, warning, info, style, ignore, none, not "loud"/);
  assert.match(problems.join('\n'), /"override.fatal" is not a level/);
  assert.match(problems.join('\n'), /"label-schema.a" must be one of text, url/);
  assert.match(problems.join('\n'), /"strict-labels" must be true or false/);
  assert.match(problems.join('\n'), /unknown key "ignore"/);
});

test('invalid YAML and non-mappings', () => {
  assert.match(parseHadolintConfig('ignored: [DL3008', 'c.yaml').problems[0], /c\.yaml: not valid YAML \(line 1/);
  assert.match(parseHadolintConfig('- a\n- b\n').problems[0], /expected a mapping/);
  assert.deepEqual(parseHadolintConfig('').problems, []);
});

test("lookup order follows hadolint's", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'berth-hlcfg-'));
  try {
    const home = path.join(root, 'home');
    const cwd = path.join(root, 'project');
    mkdirSync(path.join(home, '.config'), { recursive: true });
    mkdirSync(cwd);
    const env = {} as NodeJS.ProcessEnv;
    assert.equal(findHadolintConfig(cwd, env, home), null);
    writeFileSync(path.join(home, '.hadolint.yaml'), '');
    assert.equal(findHadolintConfig(cwd, env, home), path.join(home, '.hadolint.yaml'));
    writeFileSync(path.join(home, '.config', 'hadolint.yml'), '');
    assert.equal(findHadolintConfig(cwd, env, home), path.join(home, '.config', 'hadolint.yml'));
    writeFileSync(path.join(cwd, '.hadolint.yaml'), '');
    assert.equal(findHadolintConfig(cwd, env, home), path.join(cwd, '.hadolint.yaml'));
    const c = hadolintConfigCandidates(cwd, { XDG_CONFIG_HOME: '/xdg' }, home);
    assert.equal(c[2], path.join('/xdg', 'hadolint.yaml'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
