import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolateString, InterpolationError } from '../../compose/model/interpolate';
import { parseDotenv } from '../../compose/model/dotenv';

const env: Record<string, string> = { A: 'a', EMPTY: '' };
const lookup = (n: string) => env[n];
const run = (s: string) => interpolateString(s, lookup);

test('the Compose Specification forms', () => {
  assert.equal(run('$A ${A} x$A').value, 'a a xa');
  assert.equal(run('${EMPTY:-d} ${EMPTY-d} ${UNSET-d} ${UNSET:-d}').value, 'd  d d');
  assert.equal(run('${A:+alt} ${EMPTY:+alt} ${EMPTY+alt}').value, 'alt  alt');
  assert.equal(run('$$A $${A} $$').value, '$A ${A} $');
  assert.equal(run('${UNSET:-${A}-x}').value, 'a-x');
  assert.equal(run('price: 5$').value, 'price: 5$');
});

test('unset variables are reported, and required ones fail with their message', () => {
  assert.deepEqual(run('${NOPE}x$NOPE2').unset, ['NOPE', 'NOPE2']);
  assert.throws(() => run('${NOPE:?set NOPE first}'), (e: unknown) => e instanceof InterpolationError && /required variable NOPE is missing a value: set NOPE first/.test(e.message));
  assert.throws(() => run('${EMPTY:?}'), /EMPTY is missing a value/);
  assert.equal(run('${EMPTY?}').value, '');
  assert.throws(() => run('${A'), /no closing/);
  assert.throws(() => run('${1A}'), /does not start with a variable name/);
});

test('.env syntax: export, comments, quotes, interpolation from earlier lines', () => {
  const entries = parseDotenv(
    ['# comment', 'export X=1', 'Y = two # trailing', "S='lit $X'", 'D="a\\nb ${X}"', 'BARE', '', 'M="line1', 'line2"'].join('\n'),
    '.env',
    (v, earlier) => interpolateString(v, earlier).value,
  );
  assert.deepEqual(entries.map((e) => [e.key, e.value]), [['X', '1'], ['Y', 'two'], ['S', 'lit $X'], ['D', 'a\nb 1'], ['BARE', undefined], ['M', 'line1\nline2']]);
});
