import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkImageReference, defaultTag, dockerfileInstructions, failingLine, parseStep } from '../../extension/image-build/dockerfile-steps.js';

const dockerfile = [
  '# syntax=docker/dockerfile:1', // 0
  'ARG BASE=busybox', // 1
  'FROM ${BASE}:latest', // 2
  '', // 3
  '# install', // 4
  'RUN echo one \\', // 5
  '  # a comment inside', // 6
  '    && echo two', // 7
  'COPY <<EOF /etc/motd', // 8
  'RUN not an instruction', // 9
  'EOF', // 10
  'RUN false', // 11
  'CMD ["sh"]', // 12
].join('\n');

test('instructions with their first line; continuations and heredocs joined or skipped', () => {
  assert.deepEqual(dockerfileInstructions(dockerfile).map((i) => [i.line, i.keyword, i.text]), [
    [1, 'ARG', 'ARG BASE=busybox'],
    [2, 'FROM', 'FROM ${BASE}:latest'],
    [5, 'RUN', 'RUN echo one && echo two'],
    [8, 'COPY', 'COPY <<EOF /etc/motd'],
    [11, 'RUN', 'RUN false'],
    [12, 'CMD', 'CMD ["sh"]'],
  ]);
});

test('the escape directive changes the continuation character', () => {
  const ins = dockerfileInstructions('# escape=`\nFROM x\nRUN a `\n  b\nRUN c\\');
  assert.deepEqual(ins.map((i) => [i.line, i.text]), [[1, 'FROM x'], [2, 'RUN a b'], [4, 'RUN c\\']]);
});

test('steps from the build output', () => {
  assert.deepEqual(parseStep('Step 4/6 : RUN false'), { n: 4, total: 6, text: 'RUN false' });
  assert.equal(parseStep(' ---> Running in 1234'), undefined);
});

test('a failing step maps to its instruction by text, then by position', () => {
  assert.equal(failingLine(dockerfile, { n: 5, total: 6, text: 'RUN false' }, "The command '/bin/sh -c false' returned a non-zero code: 1"), 11);
  assert.equal(failingLine(dockerfile, { n: 3, total: 6, text: 'RUN echo one     && echo two' }, 'returned a non-zero code: 2'), 5);
  // Text that does not match (a builder that expands ARGs): count; pre-FROM ARGs are no step when totals say so.
  assert.equal(failingLine(dockerfile, { n: 1, total: 5, text: 'FROM busybox:latest' }, 'pull access denied'), 2);
});

test('a line number in the message wins (parse errors)', () => {
  assert.equal(failingLine(dockerfile, undefined, 'dockerfile parse error line 8: unknown instruction: FORM'), 7);
  assert.equal(failingLine(dockerfile, undefined, 'Dockerfile:12 failed to solve'), 11);
  assert.equal(failingLine(dockerfile, undefined, 'line 999: nope'), undefined);
  assert.equal(failingLine(dockerfile, undefined, 'no clue here'), undefined);
});

test('default tags come from the folder name; references are checked', () => {
  assert.equal(defaultTag('My App'), 'my-app:latest');
  assert.equal(defaultTag('sample'), 'sample:latest');
  assert.equal(defaultTag('__'), 'image:latest');
  assert.equal(checkImageReference('localhost:5000/team/app:1.0'), undefined);
  assert.equal(checkImageReference('sample:latest'), undefined);
  assert.match(checkImageReference('Sample') ?? '', /lower case/);
  assert.match(checkImageReference('a b') ?? '', /Not a valid image name/);
  assert.match(checkImageReference('') ?? '', /Enter a name/);
});
