// Rules given the base images' facts (as the language server learns them from the engine), and the
// same files without them: nothing may change when the image is not known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseImageReferences, type BaseImageFacts, type BaseImageLookup } from '../../../../dockerfile/lint/base-image';
import { factsOf } from '../../../../dockerfile/lint/facts';
import { lint } from '../../../../dockerfile/lint/linter';
import { shellcheckScripts } from '../../../../dockerfile/lint/shellcheck';
import { parseDockerfile } from '../../../../dockerfile/syntax/parser';
import type { LintOptions } from '../../../../dockerfile/lint/types';
import { catches, findingsOf, fixed, leaves } from '../helpers';

const node: BaseImageFacts = {
  env: { PATH: '/usr/local/bin:/usr/bin:/bin', NODE_VERSION: '22.1.0', YARN_VERSION: '1.22.19' },
  user: 'node',
  workingDir: '/home/node/app',
  exposedPorts: ['3000/tcp'],
  shell: [],
};
const rootImage: BaseImageFacts = { env: { PATH: '/usr/bin:/bin' }, user: '', workingDir: '', exposedPorts: [], shell: [] };
const bashPipefail: BaseImageFacts = { ...rootImage, shell: ['/bin/bash', '-o', 'pipefail', '-c'] };

const images: Record<string, BaseImageFacts> = { 'node:22': node, 'debian:12': rootImage, 'bashy:1': bashPipefail };
const lookup: BaseImageLookup = (ref) => images[ref];
const withFacts: LintOptions = { baseImages: lookup };

test('UndefinedVar: a known base image makes every undefined name count, its ENV is defined', () => {
  const text = 'FROM node:22\nENV APP=/srv/$NODE_VERSION\nCOPY app /opt/$UNSET_THING\nWORKDIR $PATH_TO_APP\n';
  const found = findingsOf('UndefinedVar', text, withFacts).map((f) => f.message);
  assert.deepEqual(found, ['Usage of undefined variable "$UNSET_THING"', 'Usage of undefined variable "$PATH_TO_APP"']);
  // Without facts: only likely typos, as before (none here).
  leaves('UndefinedVar', text);
});

test('UndefinedVar: a typo of the base image\'s variable is suggested', () => {
  const f = catches('UndefinedVar', 'FROM node:22\nCOPY x /opt/$NODE_VERSOIN/\n', withFacts)[0];
  assert.match(f.message, /did you mean \$NODE_VERSION/);
});

test('UndefinedVar: stages FROM a stage inherit the chain; unknown and ARG-built images keep the careful behaviour', () => {
  // The child stage's root is node:22 (known) and its ENV is inherited.
  const chain = 'FROM node:22 AS base\nENV MINE=1\nFROM base\nCOPY a /x/$MINE/$NODE_VERSION/$NOPE\n';
  assert.deepEqual(findingsOf('UndefinedVar', chain, withFacts).map((f) => f.message), ['Usage of undefined variable "$NOPE"']);
  // An image the engine does not have: only typos.
  leaves('UndefinedVar', 'FROM unknown:1\nCOPY a /x/$NOPE\n', withFacts);
  leaves('UndefinedVar', 'FROM unknown:1 AS base\nFROM base\nCOPY a /x/$NOPE\n', withFacts);
  // The FROM reference is matched after ARG expansion.
  catches('UndefinedVar', 'ARG TAG=22\nFROM node:${TAG}\nCOPY a /x/$NOPE\n', withFacts);
  // scratch behaves as before, facts or not.
  catches('UndefinedVar', 'FROM scratch\nCOPY a /x/$NOPE\n');
});

test('DL3002: a base image running as another user names it and offers to switch back', () => {
  const text = 'FROM node:22\nUSER root\nRUN apt-get update\n';
  const f = catches('DL3002', text, withFacts)[0];
  assert.match(f.message, /runs as "node"/);
  assert.equal(fixed('DL3002', text, withFacts), 'FROM node:22\nUSER root\nRUN apt-get update\nUSER node\n');
  leaves('DL3002', 'FROM node:22\nUSER root\nRUN apt-get update\nUSER node\n', withFacts);
  // No USER at all: the image runs as node, nothing to say; a root base with no USER: as today (quiet).
  leaves('DL3002', 'FROM node:22\nRUN echo hi\n', withFacts);
  leaves('DL3002', 'FROM debian:12\nRUN echo hi\n', withFacts);
  // A root base and USER root: today's message, no fix to offer.
  const plain = catches('DL3002', 'FROM debian:12\nUSER root\n', withFacts)[0];
  assert.equal(plain.message, 'Last USER should not be root');
  assert.equal(plain.fixes.length, 0);
  // A stage built on a stage inherits that stage's last USER.
  assert.match(catches('DL3002', 'FROM node:22 AS a\nFROM a\nUSER root\n', withFacts)[0].message, /runs as "node"/);
  // Unknown image: as today.
  assert.equal(catches('DL3002', 'FROM node:22\nUSER root\n')[0].message, 'Last USER should not be root');
});

test('DL3000: with the base image\'s WORKDIR known, the message and preferred fix keep the meaning', () => {
  const text = 'FROM node:22\nWORKDIR app\n';
  const f = catches('DL3000', text, withFacts)[0];
  assert.match(f.message, /previous WORKDIR \(\/home\/node\/app\), so it means \/home\/node\/app\/app/);
  assert.equal(fixed('DL3000', text, withFacts), 'FROM node:22\nWORKDIR /home/node/app/app\n');
  assert.equal(fixed('DL3000', text, withFacts, /Change to \/app$/), 'FROM node:22\nWORKDIR /app\n');
  // An image without WORKDIR starts at /.
  assert.equal(fixed('DL3000', 'FROM debian:12\nWORKDIR /srv\nWORKDIR ../opt\n', withFacts), 'FROM debian:12\nWORKDIR /srv\nWORKDIR /opt\n');
  // Without facts: unchanged.
  assert.equal(catches('DL3000', text)[0].message, 'Use an absolute WORKDIR: "app" is relative to the previous WORKDIR');
});

test('DL3045: the base image\'s WORKDIR says where a relative COPY lands', () => {
  const text = 'FROM node:22\nCOPY package.json app/\n';
  const f = catches('DL3045', text, withFacts)[0];
  assert.match(f.message, /lands in \/home\/node\/app\/app\//);
  assert.equal(fixed('DL3045', text, withFacts), 'FROM node:22\nCOPY package.json /home/node/app/app/\n');
  assert.equal(catches('DL3045', text)[0].fixes.length, 0);
});

test('DL3025 and DL4006: a Shell in the base image\'s config counts as SHELL', () => {
  leaves('DL3025', 'FROM bashy:1\nCMD node server.js\n', withFacts);
  catches('DL3025', 'FROM bashy:1\nCMD node server.js\n');
  catches('DL3025', 'FROM debian:12\nCMD node server.js\n', withFacts);
  leaves('DL4006', 'FROM bashy:1\nRUN curl -fsSL https://x | tar -xz\n', withFacts);
  catches('DL4006', 'FROM bashy:1\nRUN curl -fsSL https://x | tar -xz\n');
  catches('DL4006', 'FROM bashy:1\nSHELL ["/bin/sh", "-c"]\nRUN curl -fsSL https://x | tar -xz\n', withFacts);
});

test('ShellCheck: the base image\'s Shell picks the shebang and its ENV names are exported', () => {
  const ast = parseDockerfile('FROM bashy:1\nRUN echo "$PATH"\nFROM node:22\nRUN echo "$NODE_VERSION"\n');
  const texts = shellcheckScripts(ast, withFacts).texts;
  assert.match(texts[0], /^#!\/bin\/bash\n/);
  assert.match(texts[1], /export NODE_VERSION=1/);
});

test('the references to ask an engine about: expanded, once each, no stages or scratch', () => {
  const ast = parseDockerfile('ARG V=22\nFROM node:${V} AS a\nFROM a\nFROM scratch\nFROM node:22\nFROM debian:12\n');
  assert.deepEqual(baseImageReferences(factsOf(ast).scopes), ['node:22', 'debian:12']);
});

test('the same tree linted without, then with, then without facts gives each answer', () => {
  const ast = parseDockerfile('FROM node:22\nCOPY a /x/$NOPE\n');
  const count = (o: LintOptions) => lint(ast, o).filter((f) => f.ruleId === 'UndefinedVar').length;
  assert.equal(count({}), 0);
  assert.equal(count(withFacts), 1);
  assert.equal(count({}), 0);
});
