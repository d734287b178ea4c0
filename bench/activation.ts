// Extension activation: load the production bundle of dist/extension.js and run activate(), in a fresh
// Node process each round (an extension host loads it cold), with the fake `vscode` module of the unit
// tests standing in for VS Code. Target: under 100 ms.
//
// What is measured is what VS Code counts as activation: evaluating the bundle plus the synchronous
// part of activate(). The libraries in lib/ (scripts/lib/extension-bundles.mjs) must stay unloaded. Connecting to the engine happens after activate() returns and is not part of it;
// the engine setting points at a socket nobody listens on, so no engine is started.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { extensionBundles } from '../scripts/lib/extension-bundles.mjs';

const ROUNDS = 20;
const REPO = resolve(__dirname, '..');

/** What scripts/build.mjs makes for the VSIX (`--production`): the extension and its lazy libraries. */
async function bundle(dir: string): Promise<void> {
  const common = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, minify: true, logLevel: 'warning' as const, external: ['cpu-features', '*.node'] };
  await Promise.all(extensionBundles(common, dir).map((options) => build(options)));
}

/** The unit tests' fake vscode as plain JavaScript, so the probe runs without a TypeScript loader in the way. */
async function bundleFakeVscode(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(REPO, 'test', 'extension', 'fake-vscode.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
}

function probe(bundlePath: string, fakePath: string, extensionPath: string): string {
  return `
const fake = require(${JSON.stringify(fakePath)});
fake.installFakeVscode();
fake.settings.set('berth.engine', ${JSON.stringify(join(extensionPath, 'nobody.sock'))});
const vscode = require('vscode');
const context = { subscriptions: [], extensionPath: ${JSON.stringify(extensionPath)}, extensionUri: vscode.Uri.file(${JSON.stringify(extensionPath)}) };
const t0 = performance.now();
const ext = require(${JSON.stringify(bundlePath)});
const t1 = performance.now();
ext.activate(context);
const t2 = performance.now();
const libs = Object.keys(require.cache).filter((f) => f.includes('/lib/')).map((f) => f.split('/').pop());
process.stdout.write(JSON.stringify({ load: t1 - t0, activate: t2 - t1, commands: context.subscriptions.length, libs }));
process.exit(0);
`;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-activation-'));
  try {
    const bundlePath = join(dir, 'extension.js');
    const fakePath = join(dir, 'fake-vscode.js');
    await Promise.all([bundle(dir), bundleFakeVscode(fakePath)]);
    const rounds: { load: number; activate: number; commands: number; libs: string[] }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const r = spawnSync(process.execPath, ['-e', probe(bundlePath, fakePath, dir)], { cwd: REPO, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`activation probe failed (${r.status}):\n${r.stderr}`);
      rounds.push(JSON.parse(r.stdout) as { load: number; activate: number; commands: number; libs: string[] });
    }
    // Activation must not pull in the libraries meant for later (dockerode, the language client, ...).
    const loaded = [...new Set(rounds.flatMap((r) => r.libs))];
    if (loaded.length) throw new Error(`activation loaded ${loaded.join(', ')} from lib/; they are meant to load after activation`);
    const total = rounds.map((r) => r.load + r.activate).sort((a, b) => a - b);
    const load = rounds.map((r) => r.load).sort((a, b) => a - b);
    const activate = rounds.map((r) => r.activate).sort((a, b) => a - b);
    console.log(`activation: production bundle ${(statSync(bundlePath).size / 1024).toFixed(0)} kB (lazy libraries apart), ${ROUNDS} cold loads with a fake vscode module`);
    console.table({
      'load bundle (p50)': { value: `${pct(load, 50).toFixed(1)} ms`, target: '' },
      'activate() (p50)': { value: `${pct(activate, 50).toFixed(1)} ms`, target: '' },
      'load + activate (p50)': { value: `${pct(total, 50).toFixed(1)} ms`, target: '< 100 ms' },
      'load + activate (p95)': { value: `${pct(total, 95).toFixed(1)} ms`, target: '< 100 ms' },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
