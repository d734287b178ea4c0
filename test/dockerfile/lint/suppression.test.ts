// Pragmas, the check directive, .hadolint.yaml-style options and editor severities, and how they stack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, lintText } from './helpers';

const bad = 'RUN apt-get install -y curl\n';

test('# hadolint ignore= applies to the next instruction only (continuations included)', () => {
  const text = `FROM debian:12\n# hadolint ignore=DL3008,DL3015\n${bad}${bad}`;
  assert.deepEqual(findingsOf('DL3008', text).map((f) => f.range.start.line), [3]);
  assert.deepEqual(findingsOf('DL3015', text).map((f) => f.range.start.line), [3]);
  const multi = 'FROM debian:12\n# hadolint ignore=DL3008 # reason: pinned by the base\n# another comment\nRUN apt-get install -y \\\n    curl\n';
  assert.equal(findingsOf('DL3008', multi).length, 0);
});

test('pragmas accept aliases and BuildKit names, any case', () => {
  assert.equal(findingsOf('DL4000', 'FROM a:1\n# hadolint ignore=MaintainerDeprecated\nMAINTAINER me\n').length, 0);
  assert.equal(findingsOf('FromAsCasing', '# hadolint ignore=fromascasing\nFROM a:1 as b\n').length, 0);
});

test('global and stage pragmas', () => {
  const text = `# hadolint global ignore=DL3008\nFROM debian:12\n${bad}FROM debian:12\n${bad}`;
  assert.equal(findingsOf('DL3008', text).length, 0);
  const staged = `FROM debian:12\n# hadolint stage ignore=DL3008\n${bad}${bad}FROM debian:12\n${bad}`;
  assert.deepEqual(findingsOf('DL3008', staged).map((f) => f.range.start.line), [5]);
  const beforeFrom = `# hadolint stage ignore=DL3008\nFROM debian:12\n${bad}FROM debian:12\n${bad}`;
  assert.deepEqual(findingsOf('DL3008', beforeFrom).map((f) => f.range.start.line), [4]);
});

test('disable-ignore-pragma turns pragmas off', () => {
  const text = `FROM debian:12\n# hadolint ignore=DL3008\n${bad}`;
  assert.equal(findingsOf('DL3008', text, { hadolint: { disableIgnorePragma: true } }).length, 1);
});

test('# check=skip= and error=true (BuildKit checks only for all / error)', () => {
  assert.equal(findingsOf('FromAsCasing', '# check=skip=FromAsCasing\nFROM a:1 as b\n').length, 0);
  assert.equal(findingsOf('DL4000', '# check=skip=MaintainerDeprecated\nFROM a:1\nMAINTAINER me\n').length, 0);
  const all = '# check=skip=all\nFROM a:1 as b\nRUN apt-get install -y curl\n';
  assert.equal(findingsOf('FromAsCasing', all).length, 0);
  assert.equal(findingsOf('DL3008', all).length, 1, 'skip=all is about BuildKit checks');
  const err = '# check=error=true\nFROM a:1 as b\nRUN apt-get install -y curl\n';
  assert.equal(findingsOf('FromAsCasing', err)[0].severity, 'error');
  assert.equal(findingsOf('DL3008', err)[0].severity, 'warning');
  // A directive BuildKit cannot read is ignored as a whole (and reported).
  const broken = '# check=skip=FromAsCasing;error=maybe\nFROM a:1 as b\n';
  assert.equal(findingsOf('FromAsCasing', broken).length, 1);
  assert.equal(findingsOf('BE0004', broken).length, 1);
});

test('config: ignored, override (strongest level wins); editor severities after the config', () => {
  const text = `FROM debian:12\n${bad}`;
  assert.equal(findingsOf('DL3008', text, { hadolint: { ignored: ['DL3008'] } }).length, 0);
  assert.equal(findingsOf('DL3008', text, { hadolint: { override: { error: ['DL3008'] } } })[0].severity, 'error');
  assert.equal(findingsOf('DL3008', text, { hadolint: { override: { info: ['DL3008'], error: ['DL3008'] } } })[0].severity, 'error');
  assert.equal(findingsOf('DL3008', text, { hadolint: { override: { error: ['DL3008'] } }, severityOverrides: { DL3008: 'style' } })[0].severity, 'style');
  assert.equal(findingsOf('DL3008', text, { severityOverrides: { dl3008: 'ignore' } }).length, 0);
  // Turning a default-off rule on.
  assert.equal(findingsOf('DL3057', 'FROM a:1\n', { hadolint: { override: { warning: ['DL3057'] } } }).length, 1);
});

test('findings are sorted and carry ids, severities and sources', () => {
  const f = lintText('FROM debian\nMAINTAINER me\nRUN apt-get install curl\n');
  for (let k = 1; k < f.length; k++) assert.ok(f[k - 1].range.start.line <= f[k].range.start.line);
  assert.ok(f.every((x) => x.source === 'berth' && x.message.length > 0));
});
