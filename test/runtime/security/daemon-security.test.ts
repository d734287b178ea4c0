import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefaultSeccomp } from '../../../runtime/security/daemon-security.js';
import { DEFAULT_SECCOMP_PROFILE } from '../../../runtime/security/default-seccomp.js';

test('the daemon default: Docker\'s profile, unconfined, or a file; an unusable file is named', () => {
  assert.equal(loadDefaultSeccomp(undefined), DEFAULT_SECCOMP_PROFILE);
  assert.equal(loadDefaultSeccomp('builtin'), DEFAULT_SECCOMP_PROFILE);
  assert.equal(loadDefaultSeccomp('unconfined'), 'unconfined');
  const dir = mkdtempSync(join(tmpdir(), 'berth-profile-'));
  try {
    writeFileSync(join(dir, 'ok.json'), '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}');
    const p = loadDefaultSeccomp(join(dir, 'ok.json'));
    assert.ok(p !== 'unconfined' && p.rules[0].names[0] === 'read');
    assert.throws(() => loadDefaultSeccomp(join(dir, 'missing.json')), /--seccomp-profile .*missing\.json: cannot read it \(ENOENT\)/);
    writeFileSync(join(dir, 'bad.json'), '[]');
    assert.throws(() => loadDefaultSeccomp(join(dir, 'bad.json')), /bad\.json: seccomp profile: the profile: must be a JSON object/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
