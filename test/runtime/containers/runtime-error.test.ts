import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRuntimeErrorLine, runtimeError } from '../../../runtime/tasks/runtime-error.js';

test('runc log lines become their message', () => {
  const line = 'time="2026-11-23T00:58:14Z" level=error msg="runc run failed: unable to start container process: exec: \\"nonexistent\\": executable file not found in $PATH"\n';
  assert.equal(runtimeError(line), 'runc create failed: unable to start container process: exec: "nonexistent": executable file not found in $PATH');
  assert.ok(isRuntimeErrorLine(line));
  assert.ok(!isRuntimeErrorLine('sh: oops\n'));
  assert.equal(runtimeError('  plain text\n'), 'plain text');
});
