// dist/berth-compose.js runs the program with V8's code cache kept in the user's cache folder: the
// first run writes it, later runs use it, and a damaged or foreign cache only costs a compile.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../helpers/temp-dir';

const CLI = resolve(__dirname, '../../../dist/berth-compose.js');
const opts = existsSync(CLI) ? {} : { skip: `${CLI} is missing: run node scripts/build.mjs first` };
if (opts.skip && process.env.CI === 'true') throw new Error(opts.skip);

function version(cache: string): string {
  const r = spawnSync(process.execPath, [CLI, 'version'], { env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('the code cache is written once, used after, and a damaged one is replaced', opts, () => {
  const cache = tempDir('berth-code-cache-');
  const dir = join(cache, 'berth', 'code-cache');
  assert.match(version(cache), /^berth-compose version /);
  const [file] = readdirSync(dir);
  assert.match(file, /^berth-compose-[0-9a-f]{32}\.bin$/);
  assert.match(version(cache), /^berth-compose version /);
  writeFileSync(join(dir, file), 'not V8 code');
  assert.match(version(cache), /^berth-compose version /);
  assert.notEqual(spawnSync('cat', [join(dir, file)], { encoding: 'latin1' }).stdout, 'not V8 code', 'the damaged cache was rewritten');
});

test('a cache folder others may write to is not trusted, and a read-only one is no error', opts, () => {
  const cache = tempDir('berth-code-cache-');
  version(cache);
  const dir = join(cache, 'berth', 'code-cache');
  chmodSync(dir, 0o777);
  assert.match(version(cache), /^berth-compose version /);
  chmodSync(dir, 0o500);
  const readOnly = tempDir('berth-code-cache-');
  chmodSync(readOnly, 0o500);
  assert.match(version(readOnly), /^berth-compose version /);
  chmodSync(dir, 0o700);
});
