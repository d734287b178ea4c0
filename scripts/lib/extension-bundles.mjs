// esbuild options for dist/extension.js and the libraries it loads only after activation.
//
// VS Code parses the whole of dist/extension.js before calling activate(); dockerode (with ssh2 and
// gRPC), the language client and tar-stream are 90% of it and none is needed to activate. Each goes
// to its own file in dist/lib/, and the extension's dynamic `import()` of it becomes a require of that
// file, run when first needed (connecting to the engine, the first Dockerfile, the first build).
// Sources and tests import the packages as usual; only the bundle is split.

/** Package import -> file in dist/lib/. */
export const LAZY_LIBRARIES = {
  dockerode: 'dockerode.js',
  'vscode-languageclient/node': 'vscode-languageclient.js',
  'tar-stream': 'tar-stream.js',
};

/**
 * Berth's own modules loaded the same way: the Compose model and runner (with ajv, yaml and the Compose
 * schema) are needed by the first Compose command, not at activation. Matched by the import's last path
 * part; the value is [source file, file in dist/lib/].
 */
export const LAZY_MODULES = {
  'compose-lib': ['extension/compose/compose-lib.ts', 'compose.js'],
};

const escape = (n) => n.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&');

/** `dir`: where the bundle's lazy files are, relative to the bundle ('./lib/' for dist/extension.js). */
const lazyLibrariesPlugin = (dir, self) => ({
  name: 'berth-lazy-libraries',
  setup(build) {
    const names = Object.keys(LAZY_LIBRARIES).map(escape);
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({
      path: `${dir}${LAZY_LIBRARIES[args.path]}`,
      external: true,
    }));
    const modules = Object.keys(LAZY_MODULES).map(escape);
    build.onResolve({ filter: new RegExp(`/(${modules.join('|')})(\\.js)?$`) }, (args) => {
      const name = args.path.replace(/^.*\//, '').replace(/\.js$/, '');
      if (name === self) return undefined;
      return { path: `${dir}${LAZY_MODULES[name][1]}`, external: true };
    });
  },
});

/**
 * The esbuild option sets: the extension (into `outDir`/extension.js) and one per lazy library
 * (into `outDir`/lib/). `common` carries the shared options of scripts/build.mjs.
 */
export function extensionBundles(common, outDir = 'dist') {
  return [
    {
      ...common,
      entryPoints: ['extension/main.ts'],
      outfile: `${outDir}/extension.js`,
      external: [...common.external, 'vscode'],
      plugins: [...(common.plugins ?? []), lazyLibrariesPlugin('./lib/')],
      // `await import(lib)` becomes a plain require of the lib's file, as CommonJS needs.
      supported: { 'dynamic-import': false },
    },
    ...Object.entries(LAZY_LIBRARIES).map(([pkg, file]) => ({
      ...common,
      entryPoints: [pkg],
      outfile: `${outDir}/lib/${file}`,
      // The language client requires `vscode`, which the extension host provides.
      external: [...common.external, 'vscode'],
    })),
    ...Object.entries(LAZY_MODULES).map(([name, [source, file]]) => ({
      ...common,
      entryPoints: [source],
      outfile: `${outDir}/lib/${file}`,
      external: [...common.external, 'vscode'],
      // Its dockerode is the extension's (dist/lib/dockerode.js), not a second copy.
      plugins: [...(common.plugins ?? []), lazyLibrariesPlugin('./', name)],
      supported: { 'dynamic-import': false },
    })),
  ];
}
