import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, covered, fixed, fixesCleanly, leaves } from '../helpers';

test('DL3024 duplicate stage names, also as DuplicateStageName', () => {
  const text = 'FROM a:1 AS x\nFROM b:1 AS X\n';
  assert.equal(covered(text, catches('DL3024', text)[0]), 'X');
  leaves('DL3024', 'FROM a:1 AS x\nFROM b:1 AS y\n');
  leaves('DL3024', 'FROM a:1 AS x\nFROM b:1 AS x\n', { severityOverrides: { DuplicateStageName: 'ignore' } });
});

test('DL3063 reserved stage names', () => {
  catches('DL3063', 'FROM a:1 AS context\n');
  catches('DL3063', 'FROM a:1 AS Scratch\n');
  leaves('DL3063', 'FROM a:1 AS build\n');
});

test('DL3022 COPY --from unknown stage; DL3023 own stage', () => {
  catches('DL3022', 'FROM a:1 AS build\nFROM b:1\nCOPY --from=bulid /x /x\n');
  catches('DL3022', 'FROM b:1\nCOPY --from=later /x /x\nFROM a:1 AS later\n');
  leaves('DL3022', 'FROM a:1 AS build\nFROM b:1\nCOPY --from=build /x /x\nCOPY --from=0 /y /y\nCOPY --from=nginx:1 /z /z\n');
  catches('DL3023', 'FROM a:1 AS app\nCOPY --from=app /x /x\n');
  catches('DL3023', 'FROM a:1\nCOPY --from=0 /x /x\n');
  leaves('DL3023', 'FROM a:1 AS base\nFROM a:1 AS app\nCOPY --from=base /x /x\n');
});

test('DL3061 instructions before FROM', () => {
  catches('DL3061', 'RUN true\nFROM a:1\n');
  leaves('DL3061', '# comment\nARG X=1\nFROM a:1\n');
});

test('DL3043 ONBUILD triggers', () => {
  catches('DL3043', 'FROM a:1\nONBUILD ONBUILD RUN x\n');
  catches('DL3043', 'FROM a:1\nONBUILD MAINTAINER me\n');
  leaves('DL3043', 'FROM a:1\nONBUILD COPY . /app\n');
});

test('DL3067 copying a whole filesystem', () => {
  catches('DL3067', 'FROM a:1 AS b\nFROM scratch\nCOPY --from=b / /\n');
  leaves('DL3067', 'FROM a:1 AS b\nFROM scratch\nCOPY --from=b /app /\n');
  leaves('DL3067', 'FROM scratch\nCOPY / /\n');
});

test('StageNameCasing renames the stage and its references', () => {
  const text = 'FROM a:1 AS Build\nFROM Build AS test\nFROM b:1\nCOPY --from=Build /x /x\nRUN --mount=type=bind,from=Build,target=/src true\n';
  const after = fixesCleanly('StageNameCasing', text);
  assert.equal(after, 'FROM a:1 AS build\nFROM build AS test\nFROM b:1\nCOPY --from=build /x /x\nRUN --mount=type=bind,from=build,target=/src true\n');
  leaves('StageNameCasing', 'FROM a:1 AS build-2\n');
});

test('FromAsCasing and ConsistentInstructionCasing', () => {
  assert.equal(fixed('FromAsCasing', 'FROM a:1 as b\n'), 'FROM a:1 AS b\n');
  assert.equal(fixed('FromAsCasing', 'from a:1 AS b\n'), 'from a:1 as b\n');
  leaves('FromAsCasing', 'FROM a:1 AS b\nfrom a:1 as c\n');
  const text = 'FROM a:1\nRUN x\nrun y\nRun z\n';
  assert.deepEqual(catches('ConsistentInstructionCasing', text).map((f) => covered(text, f)), ['run', 'Run']);
  assert.equal(fixed('ConsistentInstructionCasing', text), 'FROM a:1\nRUN x\nRUN y\nRun z\n');
  const lower = 'from a:1\nrun x\ncopy a b\nRUN y\n';
  assert.deepEqual(catches('ConsistentInstructionCasing', lower).map((f) => covered(lower, f)), ['RUN']);
  leaves('ConsistentInstructionCasing', 'FROM a:1\nRUN x\nONBUILD RUN y\n');
});
