// The design's one-way arrows, checked on every import in the five parts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const repo = path.resolve(__dirname, '..', '..');
const parts = ['extension', 'runtime', 'language-server', 'dockerfile', 'compose'] as const;
type Part = (typeof parts)[number];

/** Which parts each part may import from, and whether it may import `vscode`. */
const allowed: Record<Part, { parts: Part[]; vscode: boolean }> = {
  extension: { parts: ['extension', 'compose'], vscode: true },
  runtime: { parts: ['runtime', 'dockerfile'], vscode: false },
  'language-server': { parts: ['language-server', 'dockerfile', 'compose'], vscode: false },
  dockerfile: { parts: ['dockerfile'], vscode: false },
  // Compose's model and runner: used by the extension and the language server, importing neither;
  // it shares dockerfile/'s readers of the files around a Dockerfile (.dockerignore).
  compose: { parts: ['compose', 'dockerfile'], vscode: false },
};

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

test('imports follow the arrows of the design', () => {
  const violations: string[] = [];
  for (const part of parts) {
    for (const file of sources(path.join(repo, part))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(importRe)) {
        const spec = m[1] ?? m[2] ?? m[3];
        const rel = path.relative(repo, file);
        if (spec === 'vscode') {
          if (!allowed[part].vscode) violations.push(`${rel} imports vscode`);
          continue;
        }
        if (!spec.startsWith('.')) continue;
        const target = path.relative(repo, path.resolve(path.dirname(file), spec)).split(path.sep)[0] as Part;
        if ((parts as readonly string[]).includes(target) && !allowed[part].parts.includes(target)) {
          violations.push(`${rel} imports ${spec} (${part} -> ${target})`);
        }
      }
    }
  }
  assert.deepEqual(violations, []);
});

/** The runtime/ folders a file imports (relative imports only), with the import as written. */
function runtimeImports(file: string): { spec: string; folder: string }[] {
  const out: { spec: string; folder: string }[] = [];
  for (const m of fs.readFileSync(file, 'utf8').matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec.startsWith('.')) continue;
    const target = path.relative(path.join(repo, 'runtime'), path.resolve(path.dirname(file), spec));
    out.push({ spec, folder: target.split(path.sep)[0] });
  }
  return out;
}

/** Files of runtime/<dir> (a folder that does not exist yet has none, so its rule holds once it appears). */
const runtimeSources = (dir: string): string[] => sources(path.join(repo, 'runtime', dir));

function violationsOf(files: string[], forbidden: string[]): string[] {
  return files.flatMap((file) => runtimeImports(file)
    .filter((i) => forbidden.includes(i.folder))
    .map((i) => `${path.relative(repo, file)} imports ${i.spec}`));
}

/** Layers inside runtime/: the services sit below the HTTP API and never reach up into it. */
const runtimeBelowApi = ['images', 'events', 'progress', 'content', 'layers', 'registry'];

test('runtime services below the API import nothing from runtime/api/', () => {
  const files = [...runtimeBelowApi.flatMap(runtimeSources), path.join(repo, 'runtime', 'filters.ts')];
  assert.deepEqual(violationsOf(files, ['api']), []);
});

/**
 * The engine's lowest layers: the snapshotter (how roots are made) and the OCI runtime driver (how
 * runc and crun are invoked) know nothing of containers or the HTTP API; those use them.
 */
const engineLayers = ['snapshots', 'oci'];

test('runtime/snapshots/ and runtime/oci/ import nothing from runtime/containers/ or runtime/api/', () => {
  assert.ok(runtimeSources('snapshots').length > 0, 'runtime/snapshots/ has sources');
  assert.deepEqual(violationsOf(engineLayers.flatMap(runtimeSources), ['containers', 'api']), []);
});

test('the rule sees a forbidden import', () => {
  const dir = fs.mkdtempSync(path.join(repo, 'runtime', 'snapshots', '.arch-probe-'));
  try {
    const file = path.join(dir, 'x.ts');
    fs.writeFileSync(file, "import type { ContainerRecord } from '../../containers/record.js';\n");
    assert.deepEqual(violationsOf([file], ['containers', 'api']).length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the OCI spec builder takes the daemon mode as input: tasks/oci-spec.ts imports nothing from runtime/rootless/', () => {
  assert.deepEqual(violationsOf([path.join(repo, 'runtime', 'tasks', 'oci-spec.ts')], ['rootless']), []);
});

test('the daemon mode is read from the environment in main.ts only', () => {
  const readers = sources(path.join(repo, 'runtime'))
    .filter((f) => !f.endsWith(path.join('runtime', 'main.ts')) && !f.includes(`${path.sep}rootless${path.sep}`))
    .filter((f) => /\brootlessMode\(/.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(repo, f));
  assert.deepEqual(readers, []);
});
