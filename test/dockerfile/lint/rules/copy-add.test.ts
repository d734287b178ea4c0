import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, covered, fixed, leaves } from '../helpers';

test('DL3020 ADD for local files', () => {
  assert.equal(fixed('DL3020', 'FROM a:1\nADD app.py /app/\n'), 'FROM a:1\nCOPY app.py /app/\n');
  assert.equal(catches('DL3020', 'FROM a:1\nADD --checksum=sha256:abc app.py /app/\n')[0].fixes.length, 0);
  leaves('DL3020', 'FROM a:1\nADD app.tar.gz /app/\n');
  leaves('DL3020', 'FROM a:1\nADD https://example.com/x /app/\n');
  leaves('DL3020', 'FROM a:1\nADD ["x.tgz", "/app/"]\n');
});

test('DL3021 several sources need a directory', () => {
  assert.equal(fixed('DL3021', 'FROM a:1\nCOPY a b /app\n'), 'FROM a:1\nCOPY a b /app/\n');
  assert.equal(fixed('DL3021', 'FROM a:1\nCOPY a b "/my app"\n'), 'FROM a:1\nCOPY a b "/my app/"\n');
  catches('DL3021', 'FROM a:1\nCOPY ["a", "b", "/app"]\n');
  leaves('DL3021', 'FROM a:1\nCOPY a /app\n');
  leaves('DL3021', 'FROM a:1\nCOPY a b /app/\n');
});

test('DL3045 relative COPY without WORKDIR', () => {
  catches('DL3045', 'FROM a:1\nCOPY x app/\n');
  leaves('DL3045', 'FROM a:1\nWORKDIR /src\nCOPY x app/\n');
  leaves('DL3045', 'FROM a:1 AS b\nWORKDIR /src\nFROM b\nCOPY x app/\n');
  leaves('DL3045', 'FROM a:1\nCOPY x /app/\nCOPY y $DEST\n');
});

test('DL3010 COPY then extract', () => {
  catches('DL3010', 'FROM a:1\nCOPY files/app.tar.gz /tmp/\nRUN tar xzf /tmp/app.tar.gz\n');
  catches('DL3010', 'FROM a:1\nCOPY app.tar.gz /tmp/\nRUN tar --extract -f /tmp/app.tar.gz\n');
  leaves('DL3010', 'FROM a:1\nCOPY app.tar.gz /tmp/\nRUN tar czf /tmp/out.tar.gz /x\n');
  leaves('DL3010', 'FROM a:1\nCOPY app.tar.gz /tmp/\nFROM b:1\nRUN tar xzf /tmp/app.tar.gz\n');
});

test('CopyIgnoredFile needs a .dockerignore matcher', () => {
  const dockerignore = (p: string) => p === 'secret.env' || p.startsWith('node_modules');
  leaves('CopyIgnoredFile', 'FROM a:1\nCOPY secret.env /x/\n');
  catches('CopyIgnoredFile', 'FROM a:1\nCOPY ./secret.env /x/\n', { dockerignore });
  catches('CopyIgnoredFile', 'FROM a:1\nADD node_modules/ /x/\n', { dockerignore });
  leaves('CopyIgnoredFile', 'FROM a:1 AS b\nFROM a:1\nCOPY --from=b secret.env /x/\nCOPY . /src\nCOPY *.env /y/\n', { dockerignore });
});

test('DL4007 COPY of the whole build context is opt-in', () => {
  const on = { severityOverrides: { DL4007: 'warning' as const } };
  leaves('DL4007', 'FROM a:1\nCOPY . /app\n');
  const text = 'FROM a:1\nCOPY . /app\nCOPY "./" /src/\nCOPY [".", "/x/"]\nONBUILD COPY ./ /y/\n';
  assert.deepEqual(catches('DL4007', text, on).map((f) => covered(text, f)), ['.', '"./"', '"."', './']);
  assert.equal(catches('DL4007', 'FROM a:1\nCOPY . .\n', on)[0].fixes.length, 0);
  leaves('DL4007', 'FROM a:1\nADD . /app\n', on);
  leaves('DL4007', 'FROM a:1 AS b\nFROM a:1\nCOPY --from=b . /app\n', on);
  leaves('DL4007', 'FROM a:1\nCOPY ./src ./app/ /x/\nCOPY .. /y\nCOPY .env /z\n', on);
});
