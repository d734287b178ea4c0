// esbuild plugin: compose/model/schema-precompiled.ts becomes ajv's standalone code for the Compose
// Specification's schema, with compose/model/ajv-options.json, so no bundle compiles the schema when it
// runs (100-200 ms of every berth-compose command). The generated code is made once per build process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'package.json'));

let source;

/** CommonJS source exporting `precompiledValidator` (and the validator as module.exports). */
export function composeValidatorSource() {
  if (source) return source;
  const Ajv = require('ajv').default;
  const standaloneCode = require('ajv/dist/standalone').default;
  const options = JSON.parse(readFileSync(join(ROOT, 'compose/model/ajv-options.json'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/dclint/schemas/compose.schema.json'), 'utf8'));
  const ajv = new Ajv({ ...options, code: { source: true } });
  const code = standaloneCode(ajv, ajv.compile(schema));
  source = `${code}\nmodule.exports.precompiledValidator = module.exports;\n`;
  return source;
}

export const composeSchemaPlugin = {
  name: 'berth-compose-schema',
  setup(build) {
    build.onResolve({ filter: /\/schema-precompiled(\.js)?$/ }, (args) => ({
      path: join(args.resolveDir, 'schema-precompiled.generated.js'),
      namespace: 'berth-compose-schema',
    }));
    build.onLoad({ filter: /.*/, namespace: 'berth-compose-schema' }, () => ({
      contents: composeValidatorSource(),
      loader: 'js',
      // The generated code requires ajv's runtime helpers (ajv/dist/runtime/equal, ...): bundled from here.
      resolveDir: ROOT,
    }));
  },
};
