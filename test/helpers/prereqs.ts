// Tests that need a system prerequisite (root, runc, a Docker Engine) must not pass silently in CI:
// with CI=true a missing prerequisite fails the test; elsewhere it skips with a message naming it.
import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import type { TestContext } from 'node:test';

export const inCI = process.env.CI === 'true';

/** True when `ok`; otherwise fails (CI) or skips the test and returns false. */
export function requireOrSkip(t: TestContext, ok: boolean, what: string): boolean {
  if (ok) return true;
  if (inCI) assert.fail(`missing prerequisite in CI: ${what}`);
  t.skip(`missing prerequisite: ${what}`);
  return false;
}

export const isRoot = process.getuid?.() === 0;

export function hasExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
