// Bundles the entry points with esbuild. `--production` minifies for the VSIX.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { composeSchemaPlugin } from './lib/compose-schema-plugin.mjs';
import { extensionBundles } from './lib/extension-bundles.mjs';
import { lazyRequiresPlugin } from './lib/lazy-requires-plugin.mjs';

const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // ssh2 (through dockerode) has optional native add-ons with pure-JS fallbacks.
  external: ['cpu-features', '*.node'],
  // The Compose schema's validator generated at build time, not compiled by every run.
  plugins: [composeSchemaPlugin, asciiDependencies(/[\\/]node_modules[\\/]undici[\\/].*\.js$/)],
};

const entries = [
  { in: 'runtime/main.ts', out: 'dist/runtime.js', bin: true },
  { in: 'runtime/monitor/main.ts', out: 'dist/berth-monitor.js', bin: true },
  { in: 'language-server/main.ts', out: 'dist/language-server.js', bin: true },
  { in: 'dockerfile/cli/berth-lint.ts', out: 'dist/berth-lint.js', bin: true },
  // berth-compose: a small launcher that runs the program with V8's code cache (compose/cli/launch.ts).
  // Its dockerode runs the ssh and BuildKit-session modules only when used (lib/lazy-requires-plugin.mjs).
  { in: 'compose/cli/berth-compose.ts', out: 'dist/lib/berth-compose-main.js', plugins: [lazyRequiresPlugin] },
  { in: 'compose/cli/launch.ts', out: 'dist/berth-compose.js', bin: true },
];

await Promise.all([
  // dist/extension.js and the libraries it loads after activation, in dist/lib/.
  ...extensionBundles(common).map((options) => build(options)),
  ...entries.map(async (e) => {
    await build({
      ...common,
      entryPoints: [e.in],
      outfile: e.out,
      external: [...common.external, ...(e.external ?? [])],
      plugins: [...common.plugins, ...(e.plugins ?? [])],
      banner: e.bin ? { js: '#!/usr/bin/env node' } : undefined,
    });
    if (e.bin) chmodSync(e.out, 0o755);
    requireAscii(e.out);
  }),
]);

/**
 * Dependencies whose comments esbuild keeps with non-ASCII text in them (undici's `RFC 9111 §5.2.2`):
 * every such character becomes a \\u escape before bundling, which means the same in strings, regular
 * expressions and identifiers and is plain text in comments.
 */
function asciiDependencies(filter) {
  return {
    name: 'ascii-dependencies',
    setup(b) {
      b.onLoad({ filter }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const contents = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * esbuild escapes non-ASCII in strings but keeps some comments as written. One non-ASCII character makes
 * V8 hold the whole bundle's source as two-byte text: about 0.8 MB more resident memory for berthd.
 */
function requireAscii(file) {
  const text = readFileSync(file, 'utf8');
  const at = text.search(/[^\x00-\x7f]/);
  if (at < 0) return;
  const line = text.slice(0, at).split('\n').length;
  console.error(`${file}:${line}: non-ASCII character ${JSON.stringify(text[at])} in the bundle (likely in a comment esbuild keeps); write it in ASCII`);
  process.exitCode = 1;
}
