// Packs dist/berth.vsix with @vscode/vsce from the production bundles (run after build --production).
// Everything runs from the esbuild bundles, so node_modules stays out (--no-dependencies).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = 'dist/berth.vsix';
const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-update-package-json', '--out', out], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`${out}: ${(statSync(out).size / 1024 / 1024).toFixed(2)} MB`);
