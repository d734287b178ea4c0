import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceProblem } from '../../../../dockerfile/lint/rules/builder-errors';
import { catches, fixed, leaves, lintText } from '../helpers';

test('parser errors become BE findings, each kind its own id', () => {
  catches('BE0001', 'FROM a:1\nRNU x\n');
  catches('BE0002', 'FROM a:1\nCOPY x\n');
  catches('BE0003', 'FROM a:1\nRUN --mont=type=cache,target=/x true\n');
  catches('BE0003', 'FROM a:1\nRUN --mount=type=cahce,target=/x true\n');
  catches('BE0003', 'FROM a:1\nRUN --security=high true\n');
  catches('BE0004', '# escape=x\nFROM a:1\n');
  catches('BE0004', '# check=skip=A;foo=bar\nFROM a:1\n');
  catches('BE0005', 'FROM a:1\nRUN <<EOF\nx\n');
  catches('BE0007', 'FROM a:1\nSHELL /bin/sh\n');
  catches('BE0008', 'FROM a:1 AS 9lives\n');
  assert.ok(lintText('FROM a:1\nRNU x\n').every((f) => f.ruleId !== 'BE0001' || f.severity === 'error'));
});

test('BE0009 stage numbers that are not earlier stages; BE0010 image references', () => {
  catches('BE0009', 'FROM a:1\nCOPY --from=2 /x /x\n');
  catches('BE0010', 'FROM Debian:12\n');
  catches('BE0010', 'FROM a:1.0!\n');
  catches('BE0010', 'FROM a:1 AS build\nFROM b:1\nCOPY --from=Build_Stage! /x /x\n');
  leaves('BE0010', 'FROM a:1 AS Build\nFROM b:1\nCOPY --from=build /x /x\nCOPY --from=nginx:1 /y /y\nCOPY --from=0 /z /z\n');
  for (const ok of ['debian:12', 'localhost:5000/a/b:1', 'ghcr.io/o/r@sha256:' + 'a'.repeat(64), 'a_b/c-d.e:tag-1']) assert.equal(referenceProblem(ok), null, ok);
  assert.match(referenceProblem('UPPER/x') ?? '', /lowercase/);
});

test('"did you mean" becomes a fix for unknown instructions and flags', () => {
  assert.equal(fixed('BE0001', 'FROM a:1\nRUNN x\n'), 'FROM a:1\nRUN x\n');
  assert.equal(fixed('BE0001', 'from a:1\ncopyy a b\n'), 'from a:1\ncopy a b\n');
  assert.equal(fixed('BE0003', 'FROM a:1\nRUN --mont=type=cache,target=/x true\n'), 'FROM a:1\nRUN --mount=type=cache,target=/x true\n');
});
