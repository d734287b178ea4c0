// Go's filepath.Match: the table is Go's own test table (path/filepath match_test.go) plus the cases
// where Berth's four glob copies disagreed with Go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFilepathPattern, filepathMatch, filepathPatternError } from '../../../dockerfile/glob/filepath-match';

const BAD = 'bad';
const cases: [string, string, boolean | typeof BAD][] = [
  ['abc', 'abc', true], ['*', 'abc', true], ['*c', 'abc', true], ['a*', 'a', true], ['a*', 'abc', true],
  ['a*', 'ab/c', false], ['a*/b', 'abc/b', true], ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true], ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false], ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true], ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true], ['ab[b-d]', 'abc', true], ['ab[e-g]', 'abc', false], ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false], ['ab[^e-g]', 'abc', true], ['a\\*b', 'a*b', true], ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true], ['a[^a]b', 'a☺b', true], ['a???b', 'a☺b', false], ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true], ['*[a-ζ]', 'A', false], ['a?b', 'a/b', false], ['a*b', 'a/b', false],
  ['[\\]a]', ']', true], ['[\\-]', '-', true], ['[x\\-]', 'x', true], ['[x\\-]', '-', true], ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true], ['[\\-x]', '-', true], ['[\\-x]', 'a', false],
  ['[]a]', ']', BAD], ['[-]', '-', BAD], ['[x-]', 'x', BAD], ['[x-]', '-', BAD], ['[x-]', 'z', BAD],
  ['[-x]', 'x', BAD], ['[-x]', '-', BAD], ['[-x]', 'a', BAD], ['\\', 'a', BAD], ['[a-b-c]', 'a', BAD],
  ['[', 'a', BAD], ['[^', 'a', BAD], ['[^bc', 'a', BAD], ['a[', 'a', BAD], ['a[', 'ab', BAD], ['a[', 'x', BAD],
  ['a/b[', 'x', BAD], ['*x', 'xxx', true],
];

test("Go's filepath.Match table", () => {
  for (const [pattern, name, want] of cases) {
    const got = filepathMatch(pattern, name);
    if (want === BAD) assert.equal(got.ok, false, `${pattern} should be malformed`);
    else assert.deepEqual(got, { ok: true, matched: want }, `${pattern} against ${name}`);
  }
});

test('where the old copies disagreed with Go', () => {
  // `!` does not negate a class in Go (the COPY copy read `[!a]` as `[^a]`).
  assert.equal(compileFilepathPattern('[!a]')!('b'), false);
  assert.equal(compileFilepathPattern('[!a]')!('!'), true);
  // A class may match `/` (the COPY copy dropped `/` from classes).
  assert.equal(compileFilepathPattern('a[/]b')!('a/b'), true);
  // `\` escapes in a reference filter (the images copy escaped the backslash itself).
  assert.equal(compileFilepathPattern('a\\*')!('a*'), true);
  // A malformed rest is an error even when an earlier part does not match (Go >= 1.16).
  assert.equal(filepathPatternError('x*[z'), 'syntax error in pattern');
  assert.equal(filepathPatternError('[]'), 'syntax error in pattern');
  assert.equal(compileFilepathPattern('[a-'), null);
});
