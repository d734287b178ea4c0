import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CompilerTiers } from '../../language-server/compiler-tiers';

function tiers(env: NodeJS.ProcessEnv = {}) {
  const set: string[] = [];
  return { t: new CompilerTiers(env, (f) => set.push(f)), set };
}

test('TurboFan starts off and is turned on, once, by the first edit', () => {
  const { t, set } = tiers();
  assert.deepEqual(set, ['--no-turbofan']);
  assert.equal(t.off, true);
  t.edited();
  t.edited();
  assert.deepEqual(set, ['--no-turbofan', '--turbofan']);
  assert.equal(t.off, false);
});

test('BERTH_LSP_TURBOFAN=1 leaves V8 as it is', () => {
  const { t, set } = tiers({ BERTH_LSP_TURBOFAN: '1' });
  t.edited();
  assert.deepEqual(set, []);
  assert.equal(t.off, false);
});

test('this Node knows both flags: setting them at run time writes nothing (an unknown flag is a line on stderr)', () => {
  const script = "const v8 = require('node:v8'); v8.setFlagsFromString('--no-turbofan'); v8.setFlagsFromString('--turbofan'); process.stdout.write('ok')";
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'ok');
  assert.equal(r.stderr, '');
});
