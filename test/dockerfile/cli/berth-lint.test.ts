// berth-lint end to end: in-process through main() for the option matrix, and as a real
// process (through tsx) for stdin, stdout and the exit status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../../dockerfile/cli/berth-lint';

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'berth-lint-cli-'));
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM debian\nMAINTAINER me\nRUN apt-get install -y --no-install-recommends curl=1 && rm -rf /var/lib/apt/lists/*\n');
  writeFileSync(path.join(dir, 'clean.Dockerfile'), 'FROM debian:12\nCMD ["true"]\n');
  writeFileSync(path.join(dir, 'style.Dockerfile'), 'FROM debian:12\nLABEL Owner=me\n');
  writeFileSync(path.join(dir, 'copy.Dockerfile'), 'FROM debian:12\nCOPY secret.env /x/\n');
  writeFileSync(path.join(dir, '.dockerignore'), '# comment\nsecret.env\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], stdin = '', env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await main(['--no-shellcheck', ...argv], {
    cwd: dir, env: { HOME: dir, ...env }, stdin: () => stdin, stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTty: false,
  });
  return { code, out, err };
}

test("tty output is hadolint's FILE:LINE RULE severity: message", async () => {
  const r = await run(['Dockerfile']);
  assert.equal(r.code, 1);
  assert.equal(r.out, 'Dockerfile:1 DL3006 warning: Tag the version of "debian" explicitly (for example debian:<version>)\n'
    + 'Dockerfile:2 DL4000 error: MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=…\n');
  assert.equal((await run(['clean.Dockerfile'])).code, 0);
});

test('failure threshold, --no-fail, --ignore', async () => {
  assert.equal((await run(['-t', 'error', 'style.Dockerfile'])).code, 0);
  assert.equal((await run(['-t', 'style', 'style.Dockerfile'])).code, 1);
  assert.equal((await run(['--failure-threshold=warning', 'Dockerfile'])).code, 1);
  assert.equal((await run(['-t', 'none', 'Dockerfile'])).code, 0);
  assert.equal((await run(['--no-fail', 'Dockerfile'])).code, 0);
  const r = await run(['--ignore', 'DL3006', '--ignore', 'MaintainerDeprecated', 'Dockerfile']);
  assert.equal(r.out, '');
  assert.equal(r.code, 0);
});

test('config file: explicit, found in the working folder, and bad ones', async () => {
  writeFileSync(path.join(dir, 'strict.yaml'), 'failure-threshold: error\noverride:\n  error: [DL3048]\n');
  assert.equal((await run(['-c', 'strict.yaml', 'style.Dockerfile'])).code, 1);
  writeFileSync(path.join(dir, '.hadolint.yaml'), 'ignored: [DL3048]\n');
  try {
    assert.equal((await run(['-t', 'style', 'style.Dockerfile'])).out, '');
    writeFileSync(path.join(dir, 'bad.yaml'), 'failure-threshold: loud\n');
    const bad = await run(['-c', 'bad.yaml', 'Dockerfile']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /"failure-threshold" must be one of error, warning, info, style, ignore, none, not "loud"/);
    const missing = await run(['-c', 'nope.yaml', 'Dockerfile']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /config file nope\.yaml does not exist/);
  } finally {
    rmSync(path.join(dir, '.hadolint.yaml'));
  }
});

test('unreadable files and bad arguments exit 2 with a sentence', async () => {
  const r = await run(['missing/Dockerfile', 'clean.Dockerfile']);
  assert.equal(r.code, 2);
  assert.match(r.err, /cannot read missing\/Dockerfile: no such file/);
  assert.match((await run(['--format', 'xml', 'Dockerfile'])).err, /--format must be one of tty, json, sarif, checkstyle, codeclimate, gitlab_codeclimate, gnu, not "xml"/);
  assert.match((await run([])).err, /no Dockerfile given/);
  assert.match((await run(['--frobnicate', 'Dockerfile'])).err, /unknown option --frobnicate/);
  assert.match((await run(['--help'])).out, /Usage: berth-lint/);
});

test('.dockerignore next to the Dockerfile drives CopyIgnoredFile', async () => {
  assert.match((await run(['copy.Dockerfile'])).out, /copy\.Dockerfile:2 CopyIgnoredFile warning/);
});

test('json output keeps hadolint fields', async () => {
  const r = await run(['-f', 'json', 'Dockerfile']);
  const items = JSON.parse(r.out);
  assert.deepEqual(items[0], { code: 'DL3006', column: 6, file: 'Dockerfile', level: 'warning', line: 1, message: items[0].message, endLine: 1, endColumn: 12, source: 'berth' });
});

test('SARIF 2.1.0: one run, the rules that fired with docs, results with regions', async () => {
  const r = await run(['-f', 'sarif', 'Dockerfile', 'style.Dockerfile']);
  const log = JSON.parse(r.out);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.runs.length, 1);
  const { driver } = log.runs[0].tool;
  assert.equal(driver.name, 'berth-lint');
  const ids = driver.rules.map((x: { id: string }) => x.id);
  assert.deepEqual(ids, ['DL3006', 'DL4000', 'DL3048']);
  assert.equal(new Set(ids).size, ids.length);
  for (const rule of driver.rules) {
    assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text);
    assert.ok(['none', 'note', 'warning', 'error'].includes(rule.defaultConfiguration.level));
  }
  for (const res of log.runs[0].results) {
    assert.equal(driver.rules[res.ruleIndex].id, res.ruleId);
    assert.ok(['note', 'warning', 'error'].includes(res.level));
    assert.ok(res.message.text);
    const loc = res.locations[0].physicalLocation;
    assert.ok(['Dockerfile', 'style.Dockerfile'].includes(loc.artifactLocation.uri));
    for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) assert.ok(Number.isInteger(loc.region[k]) && loc.region[k] >= 1, k);
  }
  assert.equal(log.runs[0].results.length, 3);
});

test('as a process: reads stdin for -, prints, exits by threshold', () => {
  const repo = path.resolve(__dirname, '..', '..', '..');
  // Run from the repository so `--import tsx` resolves; HOME points away from any user config.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'dockerfile/cli/berth-lint.ts', '--no-shellcheck', '-'], {
    input: 'FROM debian:latest\n', encoding: 'utf8', cwd: repo, env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir },
  });
  assert.equal(r.stdout, '-:1 DL3007 warning: Using `latest` is prone to errors when the image updates: pin a release tag\n');
  assert.equal(r.status, 1);
});

test('checkstyle: hadolint\'s XML with real columns, escaped messages, --file-path-in-report', async () => {
  const r = await run(['-f', 'checkstyle', 'Dockerfile', 'clean.Dockerfile']);
  assert.equal(r.code, 1);
  assert.ok(r.out.startsWith('<?xml version="1.0" encoding="UTF-8"?><checkstyle version="4.3"><file name="Dockerfile"><error line="1" column="6" severity="warning" message="Tag the version of &quot;debian&quot;'), r.out);
  assert.match(r.out, /<error line="2" column="1" severity="error" message="MAINTAINER is deprecated[^"]*" source="DL4000"\/><\/file><file name="clean.Dockerfile"><\/file><\/checkstyle>\n$/);
  const renamed = await run(['-f', 'checkstyle', '--file-path-in-report', 'src/Dockerfile', 'Dockerfile']);
  assert.match(renamed.out, /<file name="src\/Dockerfile">/);
});

test('codeclimate: NUL-separated issues, always exit 0; gitlab_codeclimate: an array with fingerprints', async () => {
  const cc = await run(['-f', 'codeclimate', 'Dockerfile']);
  assert.equal(cc.code, 0, 'Code Climate engines exit 0');
  const issues = cc.out.split('\u0000').filter((x) => x).map((x) => JSON.parse(x));
  assert.deepEqual(issues.map((i) => [i.check_name, i.severity, i.location.lines.begin, i.location.path, i.type, i.categories[0]]),
    [['DL3006', 'major', 1, 'Dockerfile', 'issue', 'Bug Risk'], ['DL4000', 'blocker', 2, 'Dockerfile', 'issue', 'Bug Risk']]);
  const gl = await run(['-f', 'gitlab_codeclimate', '--file-path-in-report', 'app/Dockerfile', 'Dockerfile']);
  assert.equal(gl.code, 1);
  const list = JSON.parse(gl.out);
  assert.equal(list.length, 2);
  assert.ok(list.every((i: { fingerprint: string; location: { path: string } }) => /^[0-9a-f]{40}$/.test(i.fingerprint) && i.location.path === 'app/Dockerfile'));
  assert.notEqual(list[0].fingerprint, list[1].fingerprint);
  assert.equal(JSON.parse((await run(['-f', 'gitlab_codeclimate', '--file-path-in-report', 'app/Dockerfile', 'Dockerfile'])).out)[0].fingerprint, list[0].fingerprint, 'stable');
});

test('gnu: program:file:line:column: lines', async () => {
  const r = await run(['-f', 'gnu', 'Dockerfile']);
  assert.equal(r.out.split('\n')[0], 'berth-lint:Dockerfile:1:6: DL3006 warning: Tag the version of "debian" explicitly (for example debian:<version>)');
});

test("hadolint's environment variables, under the config file and the command line", async () => {
  assert.equal((await run(['Dockerfile'], '', { HADOLINT_NOFAIL: 'yes' })).code, 0);
  assert.equal((await run(['Dockerfile'], '', { HADOLINT_NOFAIL: '0' })).code, 1);
  assert.match((await run(['Dockerfile'], '', { HADOLINT_FORMAT: 'json' })).out, /^\[/);
  assert.match((await run(['-f', 'tty', 'Dockerfile'], '', { HADOLINT_FORMAT: 'json' })).out, /^Dockerfile:1/, 'the command line wins');
  assert.equal((await run(['style.Dockerfile'], '', { HADOLINT_FAILURE_THRESHOLD: 'style' })).code, 1);
  assert.equal((await run(['-t', 'error', 'style.Dockerfile'], '', { HADOLINT_FAILURE_THRESHOLD: 'style' })).code, 0);
  assert.equal((await run(['Dockerfile'], '', { HADOLINT_IGNORE: 'DL3006, DL4000' })).out, '');
  assert.match((await run(['style.Dockerfile'], '', { HADOLINT_OVERRIDE_ERROR: 'DL3048' })).out, /DL3048 error/);
  assert.match((await run(['--warning', 'DL3048', 'style.Dockerfile'])).out, /DL3048 warning/);
  assert.match((await run(['clean.Dockerfile'], '', { HADOLINT_REQUIRE_LABELS: 'maintainer:text', HADOLINT_STRICT_LABELS: 'true' })).out, /DL3049/);
  assert.match((await run(['clean.Dockerfile'], '', { HADOLINT_TRUSTED_REGISTRIES: 'registry.example.com' })).out, /DL3026/);
  writeFileSync(path.join(dir, 'pragma.Dockerfile'), 'FROM debian:12\n# hadolint ignore=DL3048\nLABEL Owner=me\n');
  assert.equal((await run(['-t', 'style', 'pragma.Dockerfile'])).out, '');
  assert.match((await run(['-t', 'style', 'pragma.Dockerfile'], '', { HADOLINT_DISABLE_IGNORE_PRAGMA: 'on' })).out, /DL3048/);
  // The config file goes over the environment.
  writeFileSync(path.join(dir, 'nofail.yaml'), 'no-fail: false\nformat: gnu\n');
  const layered = await run(['-c', 'nofail.yaml', 'Dockerfile'], '', { HADOLINT_NOFAIL: '1', HADOLINT_FORMAT: 'json' });
  assert.equal(layered.code, 1);
  assert.match(layered.out, /^berth-lint:Dockerfile:1:6:/);
  const verbose = await run(['Dockerfile'], '', { HADOLINT_VERBOSE: '1', HADOLINT_IGNORE: 'DL3006' });
  assert.match(verbose.err, /config file: none/);
  assert.match(verbose.err, /environment: HADOLINT_VERBOSE, HADOLINT_IGNORE/);
  const bad = await run(['Dockerfile'], '', { HADOLINT_FORMAT: 'xml', HADOLINT_FAILURE_THRESHOLD: 'loud', HADOLINT_REQUIRE_LABELS: 'owner' });
  assert.equal(bad.code, 2);
  assert.match(bad.err, /HADOLINT_FORMAT names "xml"/);
  assert.match(bad.err, /HADOLINT_FAILURE_THRESHOLD is "loud"/);
  assert.match(bad.err, /HADOLINT_REQUIRE_LABELS has "owner"; write LABEL:TYPE/);
});
