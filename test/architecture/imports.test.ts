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

/** Layers inside runtime/: the services sit below the HTTP API and never reach up into it. */
const runtimeBelowApi = ['images', 'events', 'progress', 'content', 'layers', 'registry'];

test('runtime services below the API import nothing from runtime/api/', () => {
  const violations: string[] = [];
  const files = [
    ...runtimeBelowApi.flatMap((dir) => sources(path.join(repo, 'runtime', dir))),
    path.join(repo, 'runtime', 'filters.ts'),
  ];
  for (const file of files) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) continue;
      const target = path.relative(path.join(repo, 'runtime'), path.resolve(path.dirname(file), spec));
      if (target.split(path.sep)[0] === 'api') violations.push(`${path.relative(repo, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(violations, []);
});
