import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, fixed, leaves } from '../helpers';

test('DL3000 relative WORKDIR (WorkdirRelativePath)', () => {
  assert.equal(fixed('DL3000', 'FROM a:1\nWORKDIR app\n'), 'FROM a:1\nWORKDIR /app\n');
  assert.equal(fixed('DL3000', 'FROM a:1\nWORKDIR "my app"\n'), 'FROM a:1\nWORKDIR "/my app"\n');
  for (const ok of ['/app', '$HOME/app', '"/quoted"', 'C:\\\\app']) leaves('DL3000', `FROM a:1\nWORKDIR ${ok}\n`);
});

test('DL3002 last USER root, per stage', () => {
  catches('DL3002', 'FROM a:1\nUSER app\nUSER root\n');
  catches('DL3002', 'FROM a:1\nUSER 0:0\n');
  leaves('DL3002', 'FROM a:1\nUSER root\nRUN x\nUSER app\n');
  leaves('DL3002', 'FROM a:1\n');
  catches('DL3002', 'FROM a:1 AS b\nUSER root\nFROM a:1\nUSER app\n');
});

test('DL3066 numeric user ids', () => {
  catches('DL3066', 'FROM a:1\nUSER app:app\n');
  leaves('DL3066', 'FROM a:1\nUSER 1000:1000\n');
  leaves('DL3066', 'FROM a:1\nARG UID=1000\nUSER ${UID}\n');
});
