import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, fixed, fixesCleanly, leaves } from '../helpers';

test('NoEmptyContinuation, deleting the blank lines', () => {
  assert.equal(fixesCleanly('NoEmptyContinuation', 'FROM a:1\nRUN a && \\\n\n\n    b\n'), 'FROM a:1\nRUN a && \\\n    b\n');
  leaves('NoEmptyContinuation', 'FROM a:1\nRUN a && \\\n    b\n\nRUN c\n');
  leaves('NoEmptyContinuation', 'FROM a:1\nRUN <<EOF\na\n\nb\nEOF\n');
});

test('DL1001 is opt-in', () => {
  const text = 'FROM a:1\n# hadolint ignore=DL3008\nRUN apt-get install -y x\n';
  leaves('DL1001', text);
  catches('DL1001', text, { severityOverrides: { DL1001: 'info' } });
});

test('InvalidDefinitionDescription runs only when the check directive enables it', () => {
  const body = 'FROM a:1 AS base\n# version of the app\nARG VERSION=1\n';
  leaves('InvalidDefinitionDescription', body);
  catches('InvalidDefinitionDescription', `# check=experimental=InvalidDefinitionDescription\n${body}`);
  leaves('InvalidDefinitionDescription', '# check=experimental=all\nFROM a:1 AS base\n# VERSION of the app\nARG VERSION=1\n');
});

test('JSONInSingleQuotes', () => {
  assert.equal(fixed('JSONInSingleQuotes', "FROM a:1\nCMD ['node', 'a.js']\n"), 'FROM a:1\nCMD ["node", "a.js"]\n');
  leaves('JSONInSingleQuotes', 'FROM a:1\nCMD ["node", "a.js"]\n');
  leaves('JSONInSingleQuotes', "FROM a:1\nRUN echo '[a]'\n");
});
