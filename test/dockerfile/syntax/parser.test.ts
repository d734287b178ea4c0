// Parser cases written from BuildKit's parser behaviour (frontend/dockerfile/parser and its
// testfiles): directives, continuations, comments and empty lines inside them, flags, JSON vs
// shell form, heredocs, ONBUILD, stages, and the ranges of every piece.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DockerfileAst, Range } from '../../../dockerfile/syntax/ast.js';
import { parseDockerfile } from '../../../dockerfile/syntax/parser.js';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const codes = (ast: DockerfileAst): string[] => ast.errors.map((e) => e.code);
const args = (ast: DockerfileAst): string[] => ast.instructions.map((i) => i.argsText);

describe('parser directives', () => {
  test('syntax, escape and check at the top; names lower-cased; blanks around = dropped', () => {
    const ast = parseDockerfile('# Syntax = docker/dockerfile:1.7\n#escape=`\n#   check=skip=JSONArgsRecommended;error=true\nFROM a\n');
    assert.deepEqual(ast.directives.map((d) => [d.name, d.value]), [
      ['syntax', 'docker/dockerfile:1.7'], ['escape', '`'], ['check', 'skip=JSONArgsRecommended;error=true'],
    ]);
    assert.equal(ast.escapeChar, '`');
    assert.deepEqual(ast.directives[0].nameRange, r(0, 2, 0, 8));
    assert.deepEqual(ast.directives[0].valueRange, r(0, 11, 0, 32));
    assert.deepEqual(ast.comments, []);
    assert.deepEqual(ast.errors, []);
  });

  test('directives stop at the first empty line, comment or instruction', () => {
    for (const stopper of ['', '# plain comment', 'FROM a']) {
      const ast = parseDockerfile(`# syntax=x\n${stopper}\n# escape=\`\nFROM b \`\nAS c\n`);
      assert.deepEqual(ast.directives.map((d) => d.name), ['syntax'], stopper);
      assert.equal(ast.escapeChar, '\\');
    }
  });

  test('an unknown directive name is kept but ends the directive block', () => {
    const ast = parseDockerfile('# foo=bar\n# escape=`\nFROM a\n');
    assert.deepEqual(ast.directives.map((d) => [d.name, d.value]), [['foo', 'bar']]);
    assert.equal(ast.escapeChar, '\\');
    assert.equal(ast.comments.length, 2);
  });

  test('duplicate directive and bad escape value are errors; parsing goes on', () => {
    const dup = parseDockerfile('# escape=`\n# escape=\\\nFROM a\n');
    assert.deepEqual(codes(dup), ['bad-directive']);
    assert.match(dup.errors[0].message, /only one escape parser directive/);
    assert.deepEqual(dup.errors[0].range, r(1, 0, 1, 10));
    const bad = parseDockerfile('# escape=x\nFROM a\n');
    assert.deepEqual(codes(bad), ['bad-directive']);
    assert.deepEqual(bad.errors[0].range, r(0, 9, 0, 10));
    assert.equal(bad.instructions.length, 1);
  });

  test('a directive may be indented; the escape directive changes continuations', () => {
    const ast = parseDockerfile('  # escape = `\nFROM windows\nRUN dir c:\\ `\n  && echo ok\n');
    assert.equal(ast.escapeChar, '`');
    assert.deepEqual(args(ast), ['windows', 'dir c:\\   && echo ok']);
  });
});

describe('parser lines and continuations', () => {
  test('continuation pieces keep their inner whitespace; leading blanks of the first line go', () => {
    const ast = parseDockerfile('FROM a\n   RUN echo hello\\\n  world\\\n  good  \\\n  night\n');
    assert.deepEqual(args(ast), ['a', 'echo hello  world  good    night']);
    assert.deepEqual(ast.instructions[1].keywordToken.range, r(1, 3, 1, 6));
    assert.equal(ast.instructions[1].startLine, 1);
    assert.equal(ast.instructions[1].endLine, 4);
    assert.deepEqual(ast.instructions[1].range, r(1, 3, 4, 7));
  });

  test('blanks after the escape char still continue; a doubled escape does not', () => {
    const ast = parseDockerfile('FROM a\nRUN echo one \\  \t\ntwo\nRUN echo x\\\\\nRUN echo y\n');
    assert.deepEqual(args(ast), ['a', 'echo one two', 'echo x\\\\', 'echo y']);
  });

  test('a line holding only the escape char contributes nothing; a blank then escape contributes the blank', () => {
    const ast = parseDockerfile('FROM a\nRUN echo hi \\\n \\\n world \\\n\\\n night\n');
    assert.deepEqual(args(ast), ['a', 'echo hi   world  night']);
  });

  test('comment lines and empty lines inside a continuation are skipped; empty ones are reported', () => {
    const ast = parseDockerfile('FROM a\nRUN echo hello \\\n# a comment\n\n   # indented comment\n\nmore stuff\n');
    assert.deepEqual(args(ast), ['a', 'echo hello more stuff']);
    assert.deepEqual(ast.comments.map((c) => [c.text, c.range.start.line]), [[' a comment', 2], [' indented comment', 4]]);
    assert.deepEqual(ast.instructions[1].emptyContinuationLines, [3, 5]);
    assert.equal(ast.instructions[1].endLine, 6);
  });

  test('an empty line after a continuation joins the next instruction, as BuildKit does', () => {
    const ast = parseDockerfile('FROM a\nRUN apt-get update \\\n\nCMD ["x"]\n');
    assert.equal(ast.instructions.length, 2);
    assert.equal(ast.instructions[1].argsText, 'apt-get update CMD ["x"]');
  });

  test('a last continuation line that adds no text still belongs to the instruction', () => {
    const ast = parseDockerfile('FROM a\nRUN a \\\n\\\nCMD x\n');
    assert.deepEqual(args(ast), ['a', 'a CMD x']);
    const ast2 = parseDockerfile('FROM a\nRUN a \\\n   \\');
    assert.equal(ast2.instructions[1].endLine, 2);
    assert.deepEqual(ast2.instructions[1].range, r(1, 0, 2, 4));
  });

  test('a continuation at the end of the file ends the instruction', () => {
    const ast = parseDockerfile('FROM alpine\n\nRUN something \\');
    assert.deepEqual(args(ast), ['alpine', 'something']);
    assert.deepEqual(ast.errors, []);
  });

  test('a comment line ending with the escape char does not continue', () => {
    const ast = parseDockerfile('# not a directive \\\nFROM a\n# RUN x \\\nRUN y\n');
    assert.deepEqual(ast.instructions.map((i) => i.keyword), ['FROM', 'RUN']);
  });

  test('CRLF, lone CR and a BOM', () => {
    const ast = parseDockerfile('\uFEFFFROM a\r\nRUN one \\\r\n  two\r\rCMD x');
    assert.deepEqual(ast.lines, ['\uFEFFFROM a', 'RUN one \\', '  two', '', 'CMD x']);
    assert.deepEqual(args(ast), ['a', 'one   two', 'x']);
    assert.deepEqual(ast.instructions[0].keywordToken.range, r(0, 1, 0, 5));
    assert.deepEqual(ast.instructions[2].range, r(4, 0, 4, 5));
  });

  test('a BOM before a directive', () => {
    const ast = parseDockerfile('\uFEFF# escape=`\nFROM a\n');
    assert.equal(ast.escapeChar, '`');
  });

  test('ranges across continuations: words map back to their own lines', () => {
    const ast = parseDockerfile('FROM a\nRUN apk add \\\n    curl \\\n    git\n');
    const words = ast.instructions[1].words;
    assert.deepEqual(words.map((w) => w.value), ['apk', 'add', 'curl', 'git']);
    assert.deepEqual(words[2].range, r(2, 4, 2, 8));
    assert.deepEqual(words[3].range, r(3, 4, 3, 7));
    assert.deepEqual(ast.instructions[1].argsRange, r(1, 4, 3, 7));
  });

  test('UTF-16 columns after astral characters', () => {
    const ast = parseDockerfile('FROM a\nLABEL x="😀" y=z\n');
    const words = ast.instructions[1].words;
    assert.deepEqual(words[1].range, r(1, 13, 1, 16));
  });

  test('an empty file and a file of comments have no instructions (an error, like BuildKit)', () => {
    for (const text of ['', '# only\n# comments\n', '\n\n  \n']) {
      const ast = parseDockerfile(text);
      assert.deepEqual(ast.instructions, []);
      assert.deepEqual(codes(ast), ['other']);
      assert.match(ast.errors[0].message, /no instructions/);
    }
  });
});

describe('parser flags and arguments', () => {
  test('flags: --name=value, bare --flag, quoted values, `--` ends flags', () => {
    const ast = parseDockerfile('FROM a\nCOPY --from=build --link --chown="app user" -- --weird /d\n');
    const copy = ast.instructions[1];
    assert.deepEqual(copy.flags.map((f) => [f.name, f.value]), [['from', 'build'], ['link', null], ['chown', 'app user']]);
    assert.equal(copy.argsText, '--weird /d');
    assert.deepEqual(copy.flags[0].nameRange, r(1, 5, 1, 11));
    assert.deepEqual(copy.flags[0].valueRange, r(1, 12, 1, 17));
    assert.deepEqual(copy.flags[0].range, r(1, 5, 1, 17));
    assert.deepEqual(copy.flags[2].valueRange, r(1, 33, 1, 43));
    assert.equal(copy.flags[1].valueRange, null);
  });

  test('an empty value after = is kept', () => {
    const ast = parseDockerfile('FROM a\nCOPY --chmod= x y\n');
    const f = ast.instructions[1].flags[0];
    assert.equal(f.value, '');
    assert.deepEqual(f.valueRange, r(1, 13, 1, 13));
  });

  test('a single dash is not a flag; flags only lead the arguments', () => {
    const ast = parseDockerfile('FROM a\nRUN -x --y\nCMD --doit [ "a", "b" ]\n');
    assert.deepEqual(ast.instructions[1].flags, []);
    assert.equal(ast.instructions[1].argsText, '-x --y');
    assert.deepEqual(ast.instructions[2].flags.map((f) => f.name), ['doit']);
    assert.deepEqual(ast.instructions[2].json?.values, ['a', 'b']);
  });

  test('flags can span continuation lines', () => {
    const ast = parseDockerfile('FROM a\nRUN --mount=type=cache,\\\ntarget=/x \\\n  make\n');
    const f = ast.instructions[1].flags[0];
    assert.equal(f.value, 'type=cache,target=/x');
    assert.deepEqual(f.range, r(1, 4, 2, 9));
  });

  test('words keep quotes and escapes; unquoted whitespace splits', () => {
    const ast = parseDockerfile('FROM a\nENV a="x y" b=c\\ d e=\'f g\'\n');
    assert.deepEqual(ast.instructions[1].words.map((w) => w.value), ['a="x y"', 'b=c\\ d', "e='f g'"]);
  });

  test('the keyword is upper-cased; unknown keywords are kept with an error and a suggestion', () => {
    const ast = parseDockerfile('from a\nRUNN x\nXYZZY bar\n');
    assert.deepEqual(ast.instructions.map((i) => [i.keyword, i.known]), [['FROM', true], ['RUNN', false], ['XYZZY', false]]);
    assert.deepEqual(codes(ast), ['unknown-instruction', 'unknown-instruction']);
    assert.match(ast.errors[0].message, /unknown instruction: RUNN \(did you mean RUN\?\)/);
    assert.deepEqual(ast.errors[0].range, r(1, 0, 1, 4));
    assert.doesNotMatch(ast.errors[1].message, /did you mean/);
  });

  test('an instruction with no arguments has argsRange null', () => {
    const ast = parseDockerfile('FROM a\nCMD\n');
    assert.equal(ast.instructions[1].argsRange, null);
    assert.equal(ast.instructions[1].argsText, '');
  });
});

describe('parser JSON form', () => {
  test('JSON arrays of strings are exec form, with each string range', () => {
    const ast = parseDockerfile('FROM a\nCMD [ "a b", "\\u00e9\\"" ]\nCMD\t[\t"x"\t]\t\nCMD []\n');
    const cmd = ast.instructions[1];
    assert.deepEqual(cmd.json?.values, ['a b', 'é"']);
    assert.deepEqual(cmd.json?.ranges, [r(1, 6, 1, 11), r(1, 13, 1, 23)]);
    assert.deepEqual(cmd.json?.range, r(1, 4, 1, 25));
    assert.deepEqual(ast.instructions[2].json?.values, ['x']);
    assert.deepEqual(ast.instructions[3].json?.values, []);
  });

  test('anything that is not a valid JSON array is shell form', () => {
    for (const a of ["['single']", '["unterminated"', '[ "a", ]', '{"a":1}', '["a"] trailing', 'echo [1]']) {
      const ast = parseDockerfile(`FROM a\nRUN ${a}\n`);
      assert.equal(ast.instructions[1].json, null, a);
      assert.deepEqual(ast.errors, [], a);
    }
  });

  test('a JSON array holding anything but strings is an error', () => {
    const ast = parseDockerfile('FROM a\nCMD ["a", 1]\nENTRYPOINT [null]\n');
    assert.deepEqual(codes(ast), ['bad-json', 'bad-json']);
    assert.match(ast.errors[0].message, /arrays must be comprised of strings only/);
  });

  test('JSON form applies after flags and only to the instructions that take it', () => {
    const ast = parseDockerfile('FROM a\nCOPY --from=x ["a b", "/c/"]\nLABEL ["x"]\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "x"]\n');
    assert.deepEqual(ast.instructions[1].json?.values, ['a b', '/c/']);
    assert.equal(ast.instructions[2].json, null);
    assert.deepEqual(ast.instructions[3].json?.values, ['curl', '-f', 'x']);
  });
});

describe('parser heredocs', () => {
  test('RUN <<EOF with a command after the marker, body, terminator', () => {
    const ast = parseDockerfile('FROM a\nRUN <<EOF bash\necho $HOME\n  indented\nEOF\nCMD x\n');
    const run = ast.instructions[1];
    assert.equal(run.argsText, '<<EOF bash');
    assert.equal(run.heredocs.length, 1);
    const h = run.heredocs[0];
    assert.deepEqual([h.name, h.chomp, h.quoted, h.content], ['EOF', false, false, 'echo $HOME\n  indented\n']);
    assert.deepEqual(h.markerRange, r(1, 4, 1, 9));
    assert.deepEqual(h.contentRange, r(2, 0, 3, 10));
    assert.deepEqual(h.terminatorRange, r(4, 0, 4, 3));
    assert.deepEqual(run.range, r(1, 0, 4, 3));
    assert.equal(run.endLine, 4);
    assert.deepEqual(ast.instructions[2].keyword, 'CMD');
  });

  test('quoted delimiters are not expanded; <<- strips tabs before the terminator', () => {
    const ast = parseDockerfile("FROM a\nRUN <<'A' cat && <<\"B\" cat && <<-C cat\na\nA\nb\nB\n\tc\n\tC\n");
    const docs = ast.instructions[1].heredocs.map((h) => [h.name, h.quoted, h.chomp, h.content]);
    assert.deepEqual(docs, [['A', true, false, 'a\n'], ['B', true, false, 'b\n'], ['C', false, true, '\tc\n']]);
    assert.deepEqual(ast.errors, []);
  });

  test('several heredocs on COPY, the text right after a terminator is the next instruction', () => {
    const ast = parseDockerfile('FROM a\nCOPY <<one <<two /dest/\n1\none\n2\ntwo\nRUN ls\n');
    assert.deepEqual(ast.instructions.map((i) => i.keyword), ['FROM', 'COPY', 'RUN']);
    assert.deepEqual(ast.instructions[1].heredocs.map((h) => [h.name, h.content]), [['one', '1\n'], ['two', '2\n']]);
  });

  test('an empty body; a terminator must match exactly (no leading blanks without <<-)', () => {
    const ast = parseDockerfile('FROM a\nRUN <<EOF\nEOF\nRUN <<X\n  X\nX\n');
    assert.equal(ast.instructions[1].heredocs[0].content, '');
    assert.deepEqual(ast.instructions[1].heredocs[0].contentRange, r(2, 0, 2, 0));
    assert.equal(ast.instructions[2].heredocs[0].content, '  X\n');
  });

  test('an unterminated heredoc is an error at its marker and swallows the rest', () => {
    const ast = parseDockerfile('FROM a\nRUN cat <<EOF\nline\nRUN x\n');
    assert.deepEqual(codes(ast), ['unterminated-heredoc']);
    assert.deepEqual(ast.errors[0].range, r(1, 8, 1, 13));
    assert.equal(ast.instructions.length, 2);
    assert.equal(ast.instructions[1].heredocs[0].terminatorRange, null);
    assert.equal(ast.instructions[1].heredocs[0].content, 'line\nRUN x\n\n');
  });

  test('no heredoc in exec form, in quotes, on other instructions, or with a bare <<', () => {
    for (const line of ['RUN ["cat", "<<EOF"]', 'RUN echo "<<EOF"', "RUN echo '<<EOF'", 'ENV a=<<EOF', 'RUN echo a <<', 'RUN echo a<<<b']) {
      const ast = parseDockerfile(`FROM a\n${line}\nCMD x\n`);
      assert.deepEqual(ast.instructions[1].heredocs, [], line);
      assert.equal(ast.instructions.length, 3, line);
    }
  });

  test('a marker glued to a command word or with a file descriptor', () => {
    const ast = parseDockerfile('FROM a\nRUN cat 3<<EOF >/x\nbody\nEOF\n');
    assert.deepEqual(ast.instructions[1].heredocs.map((h) => h.name), ['EOF']);
  });

  test('delimiter quoting: partly quoted, escaped quotes, spaces inside quotes, $ kept, blanks after <<', () => {
    const text = [
      'FROM a',
      "RUN <<en'd'", 'x', 'end',
      "RUN <<en\\'d", 'x', "en'd",
      "RUN <<'e'n\\'d", 'x', "en'd",
      "RUN <<'two words'", 'x', 'two words',
      'RUN <<$END', '$END',
      'RUN <<   END > out', 'END',
      'COPY <<A <<B /d', 'B', 'A', 'A', 'B',
      '',
    ].join('\n');
    const ast = parseDockerfile(text);
    assert.deepEqual(ast.errors, []);
    assert.deepEqual(ast.instructions.slice(1).map((i) => i.heredocs.map((h) => [h.name, h.quoted, h.content])), [
      [['end', true, 'x\n']],
      [["en'd", false, 'x\n']],
      [["en'd", true, 'x\n']],
      [['two words', true, 'x\n']],
      [['$END', false, '']],
      [['END', false, '']],
      [['A', false, 'B\n'], ['B', false, 'A\n']],
    ]);
  });

  test('ONBUILD RUN <<EOF carries the heredoc on both instructions', () => {
    const ast = parseDockerfile('FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n');
    const on = ast.instructions[1];
    assert.equal(on.heredocs.length, 1);
    assert.equal(on.onbuild?.heredocs[0].content, 'echo hi\n');
    assert.equal(on.endLine, 3);
  });
});

describe('parser ONBUILD, stages and global args', () => {
  test('ONBUILD wraps an instruction parsed with the same rules', () => {
    const ast = parseDockerfile('FROM a\nONBUILD COPY --from=b ["x", "y"]\n');
    const inner = ast.instructions[1].onbuild!;
    assert.equal(inner.keyword, 'COPY');
    assert.deepEqual(inner.flags.map((f) => f.name), ['from']);
    assert.deepEqual(inner.json?.values, ['x', 'y']);
    assert.deepEqual(inner.keywordToken.range, r(1, 8, 1, 12));
    assert.equal(inner.stageIndex, 0);
  });

  test('an unknown ONBUILD trigger is only checked when it runs', () => {
    const ast = parseDockerfile('FROM a\nONBUILD NOPE x\n');
    assert.deepEqual(ast.errors, []);
  });

  test('stages with names, their instructions and ranges; global ARGs', () => {
    const ast = parseDockerfile('ARG V=1\nARG B\nFROM alpine:${V} AS Build\nRUN a\nfrom build as final\nCMD x\n');
    assert.deepEqual(ast.globalArgs.map((i) => i.argsText), ['V=1', 'B']);
    assert.deepEqual(ast.stages.map((s) => [s.index, s.name?.value, s.base?.value, s.instructions.map((i) => i.keyword)]), [
      [0, 'Build', 'alpine:${V}', ['RUN']],
      [1, 'final', 'build', ['CMD']],
    ]);
    assert.deepEqual(ast.stages[0].range, r(2, 0, 3, 5));
    assert.deepEqual(ast.stages[0].name?.range, r(2, 20, 2, 25));
    assert.deepEqual(ast.instructions.map((i) => i.stageIndex), [-1, -1, 0, 0, 1, 1]);
  });

  test('instructions before the first FROM other than ARG are errors', () => {
    const ast = parseDockerfile('ARG X\nRUN echo\nFROM a\n');
    assert.deepEqual(codes(ast), ['instruction-before-from']);
    assert.deepEqual(ast.errors[0].range, r(1, 0, 1, 3));
  });

  test('one bad line does not stop the rest; errors come sorted', () => {
    const ast = parseDockerfile('FROM a\nCOPYY x y\nCMD [1]\nEXPOSE 80/tcpx\nRUN ok\nRUN <<EOF\n');
    assert.deepEqual(ast.instructions.map((i) => i.keyword), ['FROM', 'COPYY', 'CMD', 'EXPOSE', 'RUN', 'RUN']);
    assert.deepEqual(codes(ast), ['unknown-instruction', 'bad-json', 'other', 'unterminated-heredoc']);
  });
});
