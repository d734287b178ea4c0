import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, fixed, fixesCleanly, leaves } from '../helpers';

test('DL3025 JSON form for CMD/ENTRYPOINT (JSONArgsRecommended); SHELL in the stage or a parent quiets it', () => {
  assert.equal(fixesCleanly('DL3025', 'FROM node:22\nCMD node server.js\n'), 'FROM node:22\nCMD ["node", "server.js"]\n');
  assert.equal(fixed('DL3025', 'FROM node:22\nENTRYPOINT exec node "$APP" && x\n'), 'FROM node:22\nENTRYPOINT ["/bin/sh", "-c", "exec node \\"$APP\\" && x"]\n');
  assert.equal(fixed('DL3025', "FROM node:22\nCMD echo 'a b'\n"), 'FROM node:22\nCMD ["echo", "a b"]\n');
  leaves('DL3025', 'FROM node:22\nCMD ["node", "server.js"]\n');
  leaves('DL3025', 'FROM node:22\nSHELL ["/bin/bash", "-c"]\nCMD node server.js\n');
  leaves('DL3025', 'FROM node:22 AS base\nSHELL ["/bin/bash", "-c"]\nFROM base\nCMD node server.js\n');
  leaves('DL3025', 'FROM nginx:1\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n');
  leaves('DL3025', 'FROM node:22\nCMD node a.js\n', { severityOverrides: { JSONArgsRecommended: 'ignore' } });
});

test('DL4003/DL4004/DL3012 multiple CMD/ENTRYPOINT/HEALTHCHECK, removing the earlier one', () => {
  const text = 'FROM a:1\nCMD ["a"]\nCMD ["b"]\n';
  catches('DL4003', text);
  assert.equal(fixed('DL4003', text), 'FROM a:1\nCMD ["b"]\n');
  leaves('DL4003', 'FROM a:1\nCMD ["a"]\nFROM b:1\nCMD ["b"]\n');
  catches('DL4004', 'FROM a:1\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n');
  catches('DL3012', 'FROM a:1\nHEALTHCHECK NONE\nHEALTHCHECK CMD ["true"]\n');
  // One alias, three rules: MultipleInstructionsDisallowed turns all of them off.
  const off = { severityOverrides: { MultipleInstructionsDisallowed: 'ignore' as const } };
  leaves('DL4003', text, off);
  leaves('DL4004', 'FROM a:1\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n', off);
});

test('DL3057 HEALTHCHECK missing is off by default and follows base stages', () => {
  leaves('DL3057', 'FROM a:1\n');
  const on = { severityOverrides: { DL3057: 'info' as const } };
  catches('DL3057', 'FROM a:1\n', on);
  leaves('DL3057', 'FROM a:1 AS base\nHEALTHCHECK CMD ["true"]\nFROM base\n', on);
});

test('DL4000 MAINTAINER (MaintainerDeprecated) becomes a label', () => {
  assert.equal(fixesCleanly('DL4000', 'FROM a:1\nMAINTAINER Jane "J" <j@x>\n'), 'FROM a:1\nLABEL org.opencontainers.image.authors="Jane \\"J\\" <j@x>"\n');
  leaves('DL4000', 'FROM a:1\nLABEL maintainer=jane\n');
});
