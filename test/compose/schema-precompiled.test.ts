// The bundles' precompiled Compose validator (scripts/lib/compose-schema-plugin.mjs) answers as the
// schema compiled at run time does: same verdicts, same errors.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv, { type ValidateFunction } from 'ajv';
import composeSchema from '../../node_modules/dclint/schemas/compose.schema.json';
import ajvOptions from '../../compose/model/ajv-options.json';
import { composeValidatorSource } from '../../scripts/lib/compose-schema-plugin.mjs';

const DOCS: unknown[] = [
  { services: { web: { image: 'busybox', ports: ['80:80'], depends_on: { db: { condition: 'service_healthy' } } }, db: { image: 'x', healthcheck: { test: ['CMD', 'true'], interval: '1s' } } } },
  { services: { web: { image: 'busybox', comand: 'x' } } },
  { services: { web: { image: 3 } } },
  { services: { web: { healthcheck: { test: 5 } } } },
  { servics: {} },
  { services: { web: { build: { context: '.', args: ['A=1'] }, deploy: { replicas: 'two' } } }, volumes: { data: { external: 'yes' } } },
];

test('the precompiled validator gives the run-time compiled one\'s verdicts and errors', () => {
  const module = { exports: {} as { precompiledValidator?: ValidateFunction } };
  const requireFromRepo = createRequire(join(__dirname, '..', '..', 'package.json'));
  new Function('module', 'exports', 'require', composeValidatorSource())(module, module.exports, requireFromRepo);
  const pre = module.exports.precompiledValidator;
  assert.equal(typeof pre, 'function');
  const runtime = new Ajv(ajvOptions).compile(composeSchema);
  for (const doc of DOCS) {
    assert.equal(pre!(doc), runtime(doc), JSON.stringify(doc));
    assert.deepEqual(pre!.errors ?? null, runtime.errors ?? null, JSON.stringify(doc));
  }
});
