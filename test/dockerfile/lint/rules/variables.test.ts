import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, covered, fixed, leaves } from '../helpers';

test('UndefinedVar: typos anywhere, every undefined name in scratch stages', () => {
  const text = 'FROM a:1\nARG APP_VERSION=1\nCOPY app-$APP_VERSOIN.tgz /opt/\n';
  assert.equal(covered(text, catches('UndefinedVar', text)[0]), 'APP_VERSOIN');
  assert.equal(fixed('UndefinedVar', text), 'FROM a:1\nARG APP_VERSION=1\nCOPY app-$APP_VERSION.tgz /opt/\n');
  catches('UndefinedVar', 'FROM scratch\nWORKDIR $NOPE\n');
  leaves('UndefinedVar', 'FROM a:1\nWORKDIR $JAVA_HOME\n');
  leaves('UndefinedVar', 'FROM scratch\nENV PATH=$PATH:/x\n');
  leaves('UndefinedVar', 'FROM a:1\nARG V\nCOPY a-$V /x\n');
  leaves('UndefinedVar', 'FROM a:1\nRUN echo $APP_VERSOIN\n');
  leaves('UndefinedVar', 'ARG V=1\nFROM scratch\nARG V\nCOPY a-$V /x\n');
  catches('UndefinedVar', 'ARG V=1\nFROM scratch\nCOPY a-$V /x\n');
});

test('UndefinedArgInFrom and InvalidDefaultArgInFrom', () => {
  assert.equal(fixed('UndefinedArgInFrom', 'ARG VERSION=1\nFROM a:$VERSOIN\n'), 'ARG VERSION=1\nFROM a:$VERSION\n');
  catches('UndefinedArgInFrom', 'FROM a:$TAG\n');
  leaves('UndefinedArgInFrom', 'ARG TAG=1\nFROM a:$TAG\nFROM --platform=$BUILDPLATFORM b:1\n');
  catches('InvalidDefaultArgInFrom', 'ARG TAG\nFROM a:$TAG\n');
  catches('InvalidDefaultArgInFrom', 'ARG IMAGE\nFROM $IMAGE\n');
  leaves('InvalidDefaultArgInFrom', 'ARG TAG=1\nFROM a:$TAG\n');
  leaves('InvalidDefaultArgInFrom', 'ARG IMAGE=scratch\nFROM ${IMAGE}\n');
});

test('BE0011 bad substitutions; BE0006 unterminated quotes', () => {
  catches('BE0011', 'FROM a:1\nWORKDIR ${A^^}\n');
  catches('BE0011', 'FROM a:1\nENV A=${B\n');
  leaves('BE0011', 'ARG V\nFROM a:1\nARG V\nWORKDIR /x/${V:?set V}\n');
  catches('BE0006', 'FROM a:1\nLABEL a="b\n');
  leaves('BE0011', 'FROM a:1\nLABEL a="b\n');
});
