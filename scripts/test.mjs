// Runs the test suites on Node's own test runner, TypeScript loaded through tsx.
//   unit        test/**/*.test.ts outside integration/ and e2e/ folders (no root, no daemons)
//   integration test/*/integration/**/*.test.ts (start the real runtime core, drive it with docker CLI)
//   e2e         test/e2e/**/*.test.ts (a real VS Code, driven by Playwright)
//   all         build + package, then every suite in one run
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { withoutNpmScriptEnv } from './lib/child-env.mjs';

const suite = process.argv[2] ?? 'all';
const extra = process.argv.slice(3);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const all = walk('test');
const isE2e = (f) => f.startsWith(`test${sep}e2e${sep}`);
const isIntegration = (f) => f.split(sep).includes('integration');
const pick = {
  unit: all.filter((f) => !isE2e(f) && !isIntegration(f)),
  integration: all.filter((f) => isIntegration(f)),
  e2e: all.filter(isE2e),
  all,
}[suite];
if (!pick) {
  console.error(`unknown suite "${suite}": use unit, integration, e2e or all`);
  process.exit(2);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: withoutNpmScriptEnv() });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Integration and e2e tests use the bundles and the VSIX, so build those first.
if (suite === 'all' || suite === 'e2e' || suite === 'integration') {
  run(process.execPath, ['scripts/build.mjs']);
  if (suite !== 'integration') run('npm', ['run', '--silent', 'package']);
}

/** One node --test run; returns its exit status. */
function runTests(files, concurrency) {
  const r = spawnSync(process.execPath, [
    '--import', 'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${concurrency}`,
    // A hung test fails after 10 minutes (tests that need longer say so) instead of stalling CI, and
    // a test file whose leftover handles keep it alive is ended once its tests are done.
    '--test-timeout=600000',
    '--test-force-exit',
    ...files,
  ], { stdio: 'inherit' });
  return r.status ?? 1;
}

const files = extra.length ? extra : pick;
// End-to-end files each drive a code-server and a Chromium: on two cores, two at once (or one next
// to the integration tests) starve each other into timeouts, so they run after the rest, one by one.
const e2eFiles = files.filter(isE2e);
const otherFiles = files.filter((f) => !isE2e(f));
let status = 0;
if (otherFiles.length) status = runTests(otherFiles, 2) || status;
if (e2eFiles.length) status = runTests(e2eFiles, 1) || status;
// In CI the cgroup v2 suites also run for real, in a VM (scripts/hosts/; README "cgroup v2 hosts" has the costs).
if (suite === 'all' && !extra.length && process.env.CI === 'true') {
  status = (spawnSync(process.execPath, ['scripts/hosts/run-tests.mjs'], { stdio: 'inherit' }).status ?? 1) || status;
}
process.exit(status);
