// The OCI runtime driver sits below the containers and the API: runtime/oci/ imports nothing from
// runtime/containers/ or runtime/api/, and no other module builds a runtime command line.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const runtimeDir = path.resolve(__dirname, '..', '..', 'runtime');
const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

// Hidden folders are left out: imports.test.ts, which may run at the same time, puts a probe module
// in one for a moment.
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.')).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

test('runtime/oci/ imports nothing from containers/ or api/', () => {
  const violations: string[] = [];
  for (const file of sources(path.join(runtimeDir, 'oci'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(importRe)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith('.')) continue;
      const top = path.relative(runtimeDir, path.resolve(path.dirname(file), spec)).split(path.sep)[0];
      if (top === 'containers' || top === 'api') violations.push(`${path.relative(runtimeDir, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('OCI runtime command lines are built in runtime/oci/ only', () => {
  // A literal runtime subcommand as the first element of an argument array is a command line built elsewhere.
  const commandLine = /\[\s*'(?:run|exec|kill|delete|state|ps|pause|resume|update|events|create|start|list)',\s*(?:'--|\.\.\.)/;
  const violations = sources(runtimeDir)
    .filter((f) => !f.startsWith(path.join(runtimeDir, 'oci') + path.sep))
    .filter((f) => commandLine.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(runtimeDir, f));
  assert.deepEqual(violations, []);
});
