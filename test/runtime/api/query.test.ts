import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilters, queryBool } from '../../../runtime/api/query.js';
import { parseTimestamp } from '../../../runtime/filters.js';
import { referencePattern } from '../../../runtime/images/image-filters.js';

test('bool query parameters follow moby: only "", 0, no, false, none are false', () => {
  const q = new URLSearchParams('a=1&b=true&c=0&d=false&e=no&f=None&g=yes&h=');
  assert.equal(queryBool(q, 'a'), true);
  assert.equal(queryBool(q, 'b'), true);
  assert.equal(queryBool(q, 'c'), false);
  assert.equal(queryBool(q, 'd'), false);
  assert.equal(queryBool(q, 'e'), false);
  assert.equal(queryBool(q, 'f'), false);
  assert.equal(queryBool(q, 'g'), true);
  assert.equal(queryBool(q, 'h'), false);
  assert.equal(queryBool(q, 'missing', true), true);
});

test('filters: map-of-bools and legacy lists', () => {
  assert.deepEqual(parseFilters('{"dangling":{"true":true},"label":{"a=b":true,"c":false}}'), new Map([['dangling', ['true']], ['label', ['a=b']]]));
  assert.deepEqual(parseFilters('{"reference":["busybox"]}'), new Map([['reference', ['busybox']]]));
  assert.throws(() => parseFilters('{bad'), /not JSON/);
  assert.deepEqual(parseFilters(null), new Map());
});

test('timestamps: seconds, seconds.nanos and RFC 3339', () => {
  assert.equal(parseTimestamp('1700000000', 's'), 1700000000_000000000n);
  assert.equal(parseTimestamp('1700000000.5', 's'), 1700000000_500000000n);
  assert.equal(parseTimestamp('2024-01-01T00:00:00Z', 's'), 1704067200_000000000n);
  assert.throws(() => parseTimestamp('soon', 's'), /not a timestamp/);
});

test('reference filter globs do not cross slashes', () => {
  assert.ok(referencePattern('busy*')('busybox'));
  assert.ok(referencePattern('me/*:1')('me/x:1'));
  assert.ok(!referencePattern('*')('me/x'));
  assert.ok(referencePattern('b?sybox:[0-9]*')('busybox:1.36'));
});
