// The shell command model the RUN rules stand on, and the RUN source map.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argsNoFlags, flagsOf, flagValues, parseShell } from '../../../dockerfile/lint/shell/commands';
import { argumentSource } from '../../../dockerfile/lint/source-text';
import { parseDockerfile } from '../../../dockerfile/syntax/parser';

const names = (s: string) => parseShell(s).commands.map((c) => [c.name, ...c.args.map((a) => a.value)].join(' '));

test('commands, separators, quotes, substitutions, redirections, heredocs', () => {
  assert.deepEqual(names('a && b || c; d | e & f'), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(names(`echo "a  b" 'c d' e\\ f`), ['echo a  b c d e f']);
  assert.deepEqual(names('X=1 Y=2 env'), ['env']);
  assert.deepEqual(names('echo $(id -u) `whoami`'), ['id -u', 'whoami', 'echo $(id -u) `whoami`']);
  assert.deepEqual(names('make 2>&1 > log < in'), ['make']);
  assert.deepEqual(names('if [ -f x ]; then rm x; fi'), ['[ -f x ]', 'rm x']);
  assert.deepEqual(names('for i in a b; do echo $i; done'), ['echo $i']);
  assert.deepEqual(names('cat <<EOF > f\napt-get install x\nEOF\nls'), ['cat', 'ls']);
  assert.deepEqual(names('echo "unterminated'), ['echo unterminated']);
  assert.equal(parseShell('a | b').hasPipe, true);
  assert.equal(parseShell('a || b').hasPipe, false);
});

test("hadolint's reading of flags", () => {
  const c = parseShell('apt-get install -yq --no-install-recommends -t bookworm curl --opt=1 -- -x').commands[0];
  assert.deepEqual(flagsOf(c).map((f) => f.name), ['y', 'q', 'no-install-recommends', 't', 'opt', 'x']);
  assert.deepEqual(argsNoFlags(c, ['t']).map((w) => w.value), ['install', 'curl', '--']);
  assert.deepEqual(flagValues(parseShell('useradd -u 1000 --uid=2000 x').commands[0], 'u', 'uid'), ['1000', '2000']);
});

test('the RUN source map joins continuations and skips comment and blank lines', () => {
  const ast = parseDockerfile('FROM a\nRUN one \\\n  # note\n\n  two \\\n\tthree\n');
  const src = argumentSource(ast, ast.instructions[1])!;
  assert.equal(src.text, 'one   two \tthree');
  assert.deepEqual(src.positionAt(src.text.indexOf('two')), { line: 4, character: 2 });
  assert.deepEqual(src.positionAt(src.text.indexOf('three')), { line: 5, character: 1 });
  assert.deepEqual(src.rangeOf(0, 3), { start: { line: 1, character: 4 }, end: { line: 1, character: 7 } });
  const bt = parseDockerfile('# escape=`\nFROM a\nRUN one `\n  two\n');
  assert.equal(argumentSource(bt, bt.instructions[1])!.text, 'one   two');
});
