// The catalogue answers to every hadolint DL rule (with hadolint's default severity) and every
// BuildKit check that can be known without a registry, and names resolve through aliases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildkitCheckNames, findRule, isBuildkitCheck, rules, rulesNamed } from '../../../dockerfile/lint/catalogue';

// hadolint 2.15's default severities (src/Hadolint/Rule/DL*.hs).
const hadolint: Record<string, string> = {
  DL1001: 'ignore', DL3000: 'error', DL3001: 'info', DL3002: 'warning', DL3003: 'warning', DL3004: 'error', DL3006: 'warning',
  DL3007: 'warning', DL3008: 'warning', DL3009: 'info', DL3010: 'info', DL3011: 'error', DL3012: 'error', DL3013: 'warning',
  DL3014: 'warning', DL3015: 'info', DL3016: 'warning', DL3018: 'warning', DL3019: 'info', DL3020: 'error', DL3021: 'error',
  DL3022: 'warning', DL3023: 'error', DL3024: 'error', DL3025: 'warning', DL3026: 'error', DL3027: 'warning', DL3028: 'warning',
  DL3029: 'warning', DL3030: 'warning', DL3032: 'warning', DL3033: 'warning', DL3034: 'warning', DL3035: 'warning',
  DL3036: 'warning', DL3037: 'warning', DL3038: 'warning', DL3040: 'warning', DL3041: 'warning', DL3042: 'warning',
  DL3043: 'error', DL3044: 'error', DL3045: 'warning', DL3046: 'warning', DL3047: 'info', DL3048: 'style', DL3049: 'info',
  DL3050: 'info', DL3051: 'warning', DL3052: 'warning', DL3053: 'warning', DL3054: 'warning', DL3055: 'warning',
  DL3056: 'warning', DL3057: 'ignore', DL3058: 'warning', DL3059: 'info', DL3060: 'info', DL3061: 'error', DL3062: 'warning',
  DL3063: 'warning', DL3064: 'warning', DL3065: 'warning', DL3066: 'info', DL3067: 'warning', DL4000: 'error', DL4001: 'warning',
  DL4003: 'warning', DL4004: 'error', DL4005: 'warning', DL4006: 'warning',
  // hadolint's newest rule files: BuildKit cache mounts per package manager.
  DL3068: 'info', DL3069: 'info', DL3070: 'info', DL3071: 'info', DL3072: 'info', DL3073: 'info', DL3074: 'info',
  DL3075: 'info', DL3076: 'info', DL3077: 'info',
};

test("every hadolint DL rule is here with hadolint's default severity", () => {
  for (const [id, sev] of Object.entries(hadolint)) {
    const r = findRule(id);
    assert.ok(r, `${id} missing`);
    assert.equal(r.info.defaultSeverity, sev, id);
    assert.equal(r.info.origin, 'hadolint', id);
  }
  assert.ok(rulesNamed('DL1000').length > 0, 'parse errors answer to DL1000');
});

test('DL4007, an unmerged hadolint proposal, is here and opt-in', () => {
  const r = findRule('DL4007');
  assert.ok(r);
  assert.equal(r.info.defaultSeverity, 'ignore');
  assert.equal(r.info.origin, 'hadolint');
});

test('every static BuildKit check answers to its name', () => {
  for (const name of buildkitCheckNames) {
    if (name === 'InvalidBaseImagePlatform') continue; // needs the pulled image's platform
    const found = rulesNamed(name);
    assert.ok(found.length > 0, `${name} missing`);
    assert.ok(found.every(isBuildkitCheck), name);
  }
  assert.deepEqual(rulesNamed('MultipleInstructionsDisallowed').map((r) => r.info.id).sort(), ['DL3012', 'DL4003', 'DL4004']);
  assert.equal(rulesNamed('jsonargsrecommended')[0].info.id, 'DL3025');
});

test('builder errors are errors, and every rule has a title, message and docs path', () => {
  for (const r of rules) {
    if (r.info.origin === 'builder') assert.equal(r.info.defaultSeverity, 'error', r.info.id);
    assert.ok(r.info.title && r.message && r.doc.what && r.doc.why, r.info.id);
  }
});
