// .dockerignore cases written from Docker's documented rules (docs "dockerignore file",
// docker/cli ReadAll, moby/patternmatcher).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanPath, DockerignoreMatcher, dockerignoreMatcher, parseDockerignore } from '../../../dockerfile/ignore/dockerignore.js';

const excluded = (patterns: string, paths: string[]): string[] => {
  const m = dockerignoreMatcher(patterns);
  return paths.filter((p) => m(p));
};

describe('reading .dockerignore', () => {
  test('comments only in column 0; lines trimmed; blank lines dropped; BOM and CRLF', () => {
    const parsed = parseDockerignore('\uFEFF# comment\r\n  node_modules  \r\n\r\n  # not a comment\n!  keep.txt\n');
    assert.deepEqual(parsed.patterns.map((p) => [p.pattern, p.exclusion, p.line]), [
      ['node_modules', false, 1], ['# not a comment', false, 3], ['keep.txt', true, 4],
    ]);
    assert.deepEqual(parsed.errors, []);
  });

  test('patterns are cleaned and a leading / dropped', () => {
    const parsed = parseDockerignore('/abs\n./rel/\na/../b\n//x//y/\n!/z\n');
    assert.deepEqual(parsed.patterns.map((p) => (p.exclusion ? '!' : '') + p.pattern), ['abs', 'rel', 'b', 'x/y', '!z']);
  });

  test('a bare ! and bad classes are errors with their line', () => {
    const parsed = parseDockerignore('ok\n!\n[abc\na\\\n');
    assert.deepEqual(parsed.errors.map((e) => e.line), [1, 2, 3]);
    assert.match(parsed.errors[0].message, /illegal exclusion pattern/);
    assert.deepEqual(parsed.patterns.map((p) => p.pattern), ['ok']);
  });

  test('cleanPath is Go filepath.Clean for slashes', () => {
    assert.deepEqual(['', '.', 'a/', 'a//b', 'a/./b', 'a/../b', '../a', '/..', '/'].map(cleanPath), ['.', '.', 'a', 'a/b', 'a/b', 'b', '../a', '/', '/']);
  });
});

describe('matching', () => {
  const paths = ['Dockerfile', 'README.md', 'src/main.go', 'src/lib/util.go', 'docs/a.md', 'docs/sub/b.md', 'node_modules/x/index.js', '.git/HEAD', 'tmp'];

  test('a plain name excludes that path and everything under it', () => {
    assert.deepEqual(excluded('node_modules\n.git', paths), ['node_modules/x/index.js', '.git/HEAD']);
  });

  test('* and ? stay within one folder; a folder match covers its contents', () => {
    assert.deepEqual(excluded('*.md', paths), ['README.md']);
    assert.deepEqual(excluded('docs/*.md', paths), ['docs/a.md']);
    assert.deepEqual(excluded('*/*.go', paths), ['src/main.go']);
    assert.deepEqual(excluded('src/*', paths), ['src/main.go', 'src/lib/util.go']);
    assert.deepEqual(excluded('tm?', paths), ['tmp']);
    assert.deepEqual(excluded('*', paths), paths);
  });

  test('** crosses folders', () => {
    assert.deepEqual(excluded('**/*.md', paths), ['README.md', 'docs/a.md', 'docs/sub/b.md']);
    assert.deepEqual(excluded('**/*.go', paths), ['src/main.go', 'src/lib/util.go']);
    assert.deepEqual(excluded('docs/**', paths), ['docs/a.md', 'docs/sub/b.md']);
    assert.deepEqual(excluded('src/**/util.go', paths), ['src/lib/util.go']);
    assert.deepEqual(excluded('**', paths), paths);
  });

  test('a leading **/name matches by suffix, as patternmatcher does', () => {
    assert.deepEqual(excluded('**/main.go', ['main.go', 'a/main.go', 'a/domain.go', 'xmain.go']), ['main.go', 'a/main.go', 'a/domain.go', 'xmain.go']);
  });

  test('! exceptions: the last matching line wins', () => {
    assert.deepEqual(excluded('*.md\n!README.md', paths), []);
    assert.deepEqual(excluded('docs\n!docs/a.md', paths), ['docs/sub/b.md']);
    assert.deepEqual(excluded('!README.md\n*.md', paths), ['README.md']);
    assert.deepEqual(excluded('**\n!src\n!Dockerfile', paths).sort(), ['.git/HEAD', 'README.md', 'docs/a.md', 'docs/sub/b.md', 'node_modules/x/index.js', 'tmp'].sort());
  });

  test('character classes and escapes', () => {
    assert.deepEqual(excluded('[a-c]*.txt', ['a.txt', 'b1.txt', 'd.txt']), ['a.txt', 'b1.txt']);
    assert.deepEqual(excluded('[^a]*.txt', ['a.txt', 'b.txt']), ['b.txt']);
    assert.deepEqual(excluded('a\\*b', ['a*b', 'axb']), ['a*b']);
    assert.deepEqual(excluded('file.(1)+', ['file.(1)+', 'fileX(1)']), ['file.(1)+']);
    assert.deepEqual(excluded('a]b', ['a]b']), ['a]b']);
  });

  test('paths given with ./, a leading / or doubled slashes are cleaned', () => {
    const m = DockerignoreMatcher.fromText('src/lib');
    assert.equal(m.excludes('./src/lib/util.go'), true);
    assert.equal(m.excludes('/src//lib/x'), true);
    assert.equal(m.excludes('src/library'), false);
  });

  test('mayIncludeUnder tells a context walk when an excluded folder must still be entered', () => {
    const m = DockerignoreMatcher.fromText('docs\n!docs/sub/keep.md\nvendor\n');
    assert.equal(m.hasExclusions, true);
    assert.equal(m.mayIncludeUnder('docs'), true);
    assert.equal(m.mayIncludeUnder('docs/sub'), true);
    assert.equal(m.mayIncludeUnder('docs/other'), false);
    assert.equal(m.mayIncludeUnder('vendor'), false);
    assert.equal(DockerignoreMatcher.fromText('a\n!**/keep').mayIncludeUnder('a'), true);
    assert.equal(DockerignoreMatcher.fromText('a\n!a').mayIncludeUnder('a/b'), true);
  });
});
