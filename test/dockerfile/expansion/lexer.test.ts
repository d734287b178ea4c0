// Expansion cases written from BuildKit's shell-lexer behaviour (frontend/dockerfile/shell:
// the envVarTest/wordsTest tables and lex_test.go), in our own words and values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expandWord, expandWords, lookupIn } from '../../../dockerfile/expansion/lexer.js';

const env = lookupIn({ HOME: '/root', SHELL: 'zsh', EMPTY: '', GREETING: '안녕', PATHS: '/usr/local/lib/libz.so.1.2' });
const ERROR = Symbol('error');

function word(input: string, escape: '\\' | '`' = '\\'): string | typeof ERROR {
  const r = expandWord(input, env, escape);
  return r.ok ? r.value : ERROR;
}

describe('expandWord: quotes and escapes', () => {
  const cases: [string, string | typeof ERROR][] = [
    ['plain', 'plain'],
    ["ab'c'd", 'abcd'],
    ["ab'cd", ERROR],
    ["ab\\'cd", "ab'cd"],
    ["ab\\\\'cd", ERROR],
    ['x\\ty', 'xty'],
    ['"x\\ty"', 'x\\ty'],
    ['"x\\\\ty"', 'x\\ty'],
    ["'x\\ty'", 'x\\ty'],
    ['trailing\\', 'trailing'],
    ['trailing\\\\', 'trailing\\'],
    ['"open', ERROR],
    ['"open\\"', ERROR],
    ['"it\'s"', "it's"],
    ["'open", ERROR],
    ["'ends\\'", 'ends\\'],
    ['"\'\'"', "''"],
    ["'\"q\"'", '"q"'],
    ['안\'녕\'하세요', '안녕하세요'],
    ['"안녕\\t하세요"', '안녕\\t하세요'],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.equal(word(input), expected));
});

describe('expandWord: $name and ${name}', () => {
  const cases: [string, string | typeof ERROR][] = [
    ['$.', '$.'],
    ['a$', 'a$'],
    ['at$HOME', 'at/root'],
    ['at$home.', 'at.'],
    ['at$1x', 'atx'],
    ['at$.x', 'at$.x'],
    ['at\\$HOME', 'at$HOME'],
    ['at\\\\$HOME', 'at\\/root'],
    ['"at\\$HOME"', 'at$HOME'],
    ['"at\\\\$HOME"', 'at\\/root'],
    ["'$HOME'", '$HOME'],
    ["'\\$HOME'", '\\$HOME'],
    ['"$HOME"', '/root'],
    ['"x\'$HOME\'"', "x'/root'"],
    ['\\${}', '${}'],
    ['x\\${}y', 'x${}y'],
    ['${}', ERROR],
    ['x${}y', ERROR],
    ['${unset}x', 'x'],
    ['${HOME}x', '/rootx'],
    ['${.}', ERROR],
    ['${HOME', ERROR],
    ['${{x}', ERROR],
    ['${x}}', '}'],
    ['${:}', ERROR],
    ['$GREETING!', '안녕!'],
    ['$1', ''],
    ['${1}', ''],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.equal(word(input), expected));
});

describe('expandWord: modifiers', () => {
  const cases: [string, string | typeof ERROR][] = [
    ['${NOPE:-dflt}', 'dflt'],
    ['${HOME:-dflt}', '/root'],
    ['${EMPTY:-dflt}', 'dflt'],
    ['${EMPTY-dflt}', ''],
    ['${NOPE-dflt}', 'dflt'],
    ['${NOPE:-$HOME}/x', '/root/x'],
    ['${NOPE:-${ALSO:-deep}}', 'deep'],
    ['${NOPE:-${HOME:-deep}}', '/root'],
    ['${NOPE:-a b {c}', 'a b {c'],
    ['${NOPE:-a ${b}', ERROR],
    ['${NOPE:-unclosed', ERROR],
    ['${NOPE:-x}}', 'x}'],
    ['${NOPE:+alt}', ''],
    ['${HOME:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${HOME:+${SHELL}}', 'zsh'],
    ['${HOME:+${NOPE}}', ''],
    ['${HOME:+$HOME:}', '/root:'],
    ['${NOPE:-\\$HOME:}', '$HOME:'],
    ['${NOPE:-\\${HOME}z}', '${HOMEz}'],
    ['${NOPE?}', ERROR],
    ['${NOPE:?}', ERROR],
    ['${HOME?}', '/root'],
    ['${HOME:?}', '/root'],
    ['${EMPTY?}', ''],
    ['${EMPTY:?}', ERROR],
    ['${NOPE:x}', ERROR],
    ['${HOME:=x}', ERROR],
    ['${HOME=x}', ERROR],
    ['${1:-one}', 'one'],
    ['${:-x}', ERROR],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.equal(word(input), expected));

  test('${a:?message} carries the message; the error says which word failed', () => {
    const r = expandWord('x${TOKEN:?set TOKEN with --build-arg}', env);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.reason, 'TOKEN: set TOKEN with --build-arg');
      assert.match(r.error.message, /^failed to process "x\$\{TOKEN/);
    }
    const unset = expandWord('${TOKEN?}', env);
    assert.equal(unset.ok ? '' : unset.error.reason, 'TOKEN: is not allowed to be unset');
    const empty = expandWord('${EMPTY:?}', env);
    assert.equal(empty.ok ? '' : empty.error.reason, 'EMPTY: is not allowed to be empty');
  });
});

describe('expandWord: patterns', () => {
  const p = (input: string, vars: Record<string, string>): string | typeof ERROR => {
    const r = expandWord(input, lookupIn(vars));
    return r.ok ? r.value : ERROR;
  };
  test('# and ## trim the shortest and longest prefix', () => {
    assert.equal(p('${F#*/}', { F: '/usr/local/lib' }), 'usr/local/lib');
    assert.equal(p('${F##*/}', { F: '/usr/local/lib' }), 'lib');
    assert.equal(p('${F#*a*b}', { F: 'aabb' }), 'b');
    assert.equal(p('${F#*}', { F: 'aabb' }), 'aabb');
    assert.equal(p('${F#}', { F: 'aabb' }), 'aabb');
    assert.equal(p('${F##}', { F: 'aabb' }), 'aabb');
    assert.equal(p('${F#$P}', { F: 'aabb', P: 'a' }), 'abb');
    assert.equal(p('${F#$P}', { F: 'aabb', P: '' }), 'aabb');
    assert.equal(p('${F#?\\?}', { F: '???z' }), '?z');
    assert.equal(p('${F#nomatch}', { F: 'aabb' }), 'aabb');
  });

  test('% and %% trim the shortest and longest suffix', () => {
    assert.equal(p('${F%.*}', { F: 'lib.so.1.2' }), 'lib.so.1');
    assert.equal(p('${F%%.*}', { F: 'lib.so.1.2' }), 'lib');
    assert.equal(p('${F%}', { F: 'aabb' }), 'aabb');
    assert.equal(p('${F%%\\**}', { F: 'ab**' }), 'ab');
    assert.equal(p('${F%%\\**\\*}', { F: 'q***zz*' }), 'q');
    assert.equal(p('${N:-.}${F%a}${N:-.}', { F: 'aabb' }), '.aabb.');
  });

  test('regex characters in patterns are literal; only * ? and escapes are special', () => {
    assert.equal(p('${F#()[]{\\}^$.\\*\\?|\\\\}', { F: '()[]{}^$.*?|\\rest' }), 'rest');
    assert.equal(expandWord('${F#\\x}', lookupIn({ F: 'x' })).ok, false);
  });

  test('${a:#} and ${a:%} are unsupported', () => {
    for (const w of ['${F:#}', '${F:##}', '${F:%}', '${F:%%}']) assert.equal(p(w, {}), ERROR, w);
  });

  test('/ replaces the first match, // every match', () => {
    assert.equal(p('${F/$N/.} ${F//$N/.}', { F: '/a*/*/*.txt', N: '\\*/' }), '/a.*/*.txt /a..*.txt');
    assert.equal(p('${F/$N/} ${F//$N/}', { F: '/tmp/tmp/x.txt', N: '/tmp' }), '/tmp/x.txt /x.txt');
    assert.equal(p('${F/$N/$R} ${F//$N/$R}', { F: '/a/foo/b/c.txt', N: '/?/', R: '/' }), '/foo/b/c.txt /foo/c.txt');
    assert.equal(p('${F/http:\\/\\//https:\\/\\/}', { F: 'http://example.org' }), 'https:\\/\\/example.org');
    assert.equal(p('${F//\\//\\/}', { F: '/a/b' }), '\\/a\\/b');
    assert.equal(p('${F/$E/ww}', { F: 'xy', E: '' }), 'wwxy');
    assert.equal(p('${F///}', { F: 'xy' }), 'xy');
    assert.equal(p('${F///}', {}), '');
    assert.equal(p('${F//*/z}', { F: 'abc' }), 'z');
    assert.equal(p('${F//ww}', { F: 'xy' }), ERROR);
    assert.equal(p('${F//}', { F: 'xy' }), ERROR);
  });
});

describe('expandWord: names found and not found', () => {
  test('unresolved lists the names that were not set, resolved the ones that were', () => {
    const r = expandWord('$HOME ${NOPE} ${NOPE2:-x} ${EMPTY:+y} "$ALSO"', env);
    assert.ok(r.ok);
    if (r.ok) {
      assert.deepEqual(r.resolved, ['HOME', 'EMPTY']);
      assert.deepEqual(r.unresolved, ['NOPE', 'NOPE2', 'ALSO']);
    }
  });

  test('single-quoted and escaped references are not lookups', () => {
    const r = expandWord("'$A' \\$B", env);
    assert.ok(r.ok && r.unresolved.length === 0);
  });

  test('skipUnset leaves unset references as written', () => {
    const r = expandWord('$HOME $NOPE ${NOPE} ${NOPE:-x} ${NOPE/a/b}', env, '\\', { skipUnset: true });
    assert.equal(r.ok && r.value, '/root $NOPE ${NOPE} ${NOPE:-x} ${NOPE/a/b}');
  });
});

describe('expandWord: backtick escape', () => {
  test('` escapes and \\ is literal', () => {
    assert.equal(word('c:\\path\\$HOME', '`'), 'c:\\path\\/root');
    assert.equal(word('`$HOME', '`'), '$HOME');
    assert.equal(word('"a`"b"', '`'), 'a"b');
  });
});

describe('expandWords: word splitting', () => {
  const vars = lookupIn({ hi: 'hi', space: 'abc  def', leading: '  ab c', trailing: 'ab c   ' });
  const words = (input: string): string[] | typeof ERROR => {
    const r = expandWords(input, vars);
    return r.ok ? [...r.words] : ERROR;
  };
  const cases: [string, string[] | typeof ERROR][] = [
    ['one', ['one']],
    ['x${nope}y', ['xy']],
    ['x${hi}y', ['xhiy']],
    ['x${space}y', ['xabc', 'defy']],
    ['x"${space}"y', ['xabc  defy']],
    ['x "${space}"y', ['x', 'abc  defy']],
    ['x${leading}y', ['x', 'ab', 'cy']],
    ['x"${leading}" y', ['x  ab c', 'y']],
    ['x${trailing}', ['xab', 'c']],
    ['x${trailing}d', ['xab', 'c', 'd']],
    ['x"${trailing}"d', ['xab c   d']],
    ['x" there  "', ['x there  ']],
    ['x   there   ', ['x', 'there']],
    ['x\\ there', ['x there']],
    ['x" there', ERROR],
    ['x\\" there', ['x"', 'there']],
    ['x"\\\\there"', ['x\\there']],
    ["x'\\\\there'", ['x\\\\there']],
    ["x'$there'", ['x$there']],
    ['""', []],
    ['80 443/tcp', ['80', '443/tcp']],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.deepEqual(words(input), expected));
});
