// Variable scopes by Docker's documented ARG/ENV rules ("Dockerfile reference: ARG, ENV,
// Scope, Using ARG variables, Predefined ARGs, Automatic platform ARGs in the global scope").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expandWord } from '../../../dockerfile/expansion/lexer.js';
import { proxyArgs, resolveScopes, type ScopeOptions } from '../../../dockerfile/expansion/scope.js';
import { parseDockerfile } from '../../../dockerfile/syntax/parser.js';

/** Expands `word` as the instruction on `line` (0-based) would see it. */
function seen(text: string, line: number, word: string, options: ScopeOptions = {}): string | undefined {
  const ast = parseDockerfile(text);
  const ins = ast.instructions.find((i) => i.startLine === line);
  assert.ok(ins, `no instruction on line ${line}`);
  const scope = resolveScopes(ast, options).scopeBefore(ins);
  assert.ok(scope);
  const r = expandWord(word, scope.lookup, ast.escapeChar);
  return r.ok ? r.value : undefined;
}

describe('global scope', () => {
  const file = 'ARG BASE=alpine\nARG TAG=${BASE}-3\nFROM ${BASE}:${TAG}\nRUN echo\n';

  test('FROM expands with global ARGs, defaults expanded in order', () => {
    const ast = parseDockerfile(file);
    const scopes = resolveScopes(ast);
    assert.deepEqual(scopes.stages[0].base?.ok && scopes.stages[0].base.value, 'alpine:alpine-3');
  });

  test('build args override defaults', () => {
    const scopes = resolveScopes(parseDockerfile(file), { buildArgs: { TAG: 'edge' } });
    assert.equal(scopes.stages[0].base?.ok && scopes.stages[0].base.value, 'alpine:edge');
  });

  test('a global ARG is not visible in a stage until it is declared again', () => {
    assert.equal(seen(file, 3, '[$BASE]'), '[]');
    assert.equal(seen('ARG V=1\nFROM a\nARG V\nRUN x\n', 3, '$V'), '1');
    assert.equal(seen('ARG V=1\nFROM a\nARG V\nRUN x\n', 3, '$V', { buildArgs: { V: '2' } }), '2');
    assert.equal(seen('ARG V=1\nFROM a\nARG V=3\nRUN x\n', 3, '$V'), '3');
  });

  test('platform args are in the global scope (BuildKit) and need ARG inside a stage', () => {
    const text = 'FROM --platform=$BUILDPLATFORM img:$TARGETARCH\nARG TARGETOS TARGETARCH\nRUN x\n';
    const scopes = resolveScopes(parseDockerfile(text), { targetPlatform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    assert.equal(scopes.stages[0].base?.ok && scopes.stages[0].base.value, 'img:arm64');
    assert.equal(scopes.stages[0].platform?.ok && scopes.stages[0].platform.value, 'linux/amd64');
    assert.equal(seen(text, 0, '$BUILDPLATFORM'), 'linux/amd64');
    assert.equal(seen(text, 2, '$TARGETOS/$TARGETARCH', { targetPlatform: { os: 'linux', architecture: 'arm64' } }), 'linux/arm64');
    assert.equal(seen('FROM a\nRUN x\n', 1, '[$TARGETARCH]'), '[]');
    assert.equal(seen('FROM a\nARG TARGETSTAGE\nRUN x\n', 2, '$TARGETSTAGE', { target: 'prod' }), 'prod');
  });

  test('the legacy model has no platform args', () => {
    assert.equal(seen('FROM a\nARG TARGETARCH\nRUN x\n', 2, '[$TARGETARCH]', { model: 'legacy' }), '[]');
  });
});

describe('stage scope', () => {
  test('ARG without default and without build arg declares but does not set', () => {
    const ast = parseDockerfile('FROM a\nARG NOVAL\nRUN x\n');
    const scope = resolveScopes(ast).scopeBefore(ast.instructions[2])!;
    assert.equal(scope.value('NOVAL'), undefined);
    assert.equal(scope.isDeclaredArg('NOVAL'), true);
  });

  test('ARG defaults expand with what is visible; several ARGs on one line see each other', () => {
    assert.equal(seen('FROM a\nENV P=/opt\nARG D=$P/bin E=${D}/x\nRUN x\n', 3, '$D $E'), '/opt/bin /opt/bin/x');
  });

  test('ENV values expand with the variables before the ENV line', () => {
    assert.equal(seen('FROM a\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\nRUN x\n', 4, '$def $ghi'), 'hello bye');
  });

  test('ENV beats an earlier ARG of the same name in both models', () => {
    const text = 'FROM a\nARG V=arg\nENV V=env\nRUN x\n';
    assert.equal(seen(text, 3, '$V'), 'env');
    assert.equal(seen(text, 3, '$V', { buildArgs: { V: 'cli' } }), 'env');
    assert.equal(seen(text, 3, '$V', { model: 'legacy' }), 'env');
  });

  test('an ARG after an ENV of the same name: BuildKit takes the ARG, the legacy builder keeps the ENV', () => {
    const text = 'FROM a\nENV V=env\nARG V=arg\nRUN x\n';
    assert.equal(seen(text, 3, '$V'), 'arg');
    assert.equal(seen(text, 3, '$V', { model: 'legacy' }), 'env');
  });

  test('the image env holds ENV values only', () => {
    const ast = parseDockerfile('FROM a\nENV V=env\nARG V=arg\nARG W=1\nRUN x\n');
    const scope = resolveScopes(ast).scopeBefore(ast.instructions[4])!;
    assert.deepEqual(scope.imageEnv(), { V: 'env' });
  });

  test('the base image env is visible and can be overridden', () => {
    const text = 'FROM node:20\nENV PATH=/app/bin:$PATH\nRUN x\n';
    const options: ScopeOptions = { baseImageEnv: (ref) => (ref === 'node:20' ? { PATH: '/usr/bin', NODE_VERSION: '20.1' } : undefined) };
    assert.equal(seen(text, 2, '$PATH $NODE_VERSION', options), '/app/bin:/usr/bin 20.1');
  });

  test('a stage FROM an earlier stage inherits ENV; BuildKit also hands down ARGs', () => {
    const text = 'FROM a AS base\nENV E=1\nARG A=2\nFROM base\nRUN x\n';
    assert.equal(seen(text, 4, '$E-$A'), '1-2');
    assert.equal(seen(text, 4, '$E-$A', { model: 'legacy' }), '1-');
    const scopes = resolveScopes(parseDockerfile(text));
    assert.deepEqual(scopes.stages.map((s) => s.parent), [null, 0]);
  });

  test('stage names match case-insensitively; scratch and unknown images have no parent', () => {
    const scopes = resolveScopes(parseDockerfile('FROM scratch AS Build\nFROM BUILD\nFROM other\n'));
    assert.deepEqual(scopes.stages.map((s) => s.parent), [null, 0, null]);
  });

  test('proxy args: RUN gets them without ARG; the legacy builder also expands them', () => {
    assert.deepEqual(proxyArgs({ HTTP_PROXY: 'h', no_proxy: 'n', OTHER: 'o' }), { HTTP_PROXY: 'h', no_proxy: 'n' });
    const text = 'FROM a\nRUN x\n';
    assert.equal(seen(text, 1, '[$HTTP_PROXY]', { buildArgs: { HTTP_PROXY: 'h' } }), '[]');
    assert.equal(seen(text, 1, '[$HTTP_PROXY]', { buildArgs: { HTTP_PROXY: 'h' }, model: 'legacy' }), '[h]');
    assert.equal(seen('FROM a\nARG HTTP_PROXY\nRUN x\n', 2, '[$HTTP_PROXY]', { buildArgs: { HTTP_PROXY: 'h' } }), '[h]');
  });
});

describe('scope errors', () => {
  test('failing expansions are reported with the range of the value', () => {
    const ast = parseDockerfile('ARG G="${X:?set X}"\nFROM a\nENV A="${B:?B is required}"\n');
    const scopes = resolveScopes(ast);
    assert.deepEqual(scopes.errors.map((e) => [e.message.replace(/^failed to process ".*": (?=[A-Z]: )/, ''), e.range.start.line, e.range.start.character]), [
      ['X: set X', 0, 6],
      ['B: B is required', 2, 6],
    ]);
  });

  test('the escape directive applies to expansion', () => {
    assert.equal(seen('# escape=`\nFROM a\nENV P=c:\\dir`$HOME\nRUN x\n', 3, '$P'), 'c:\\dir$HOME');
  });
});
