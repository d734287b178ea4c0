import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, covered, fixed, findingsOf, leaves } from '../helpers';

test('DL3011 port range', () => {
  catches('DL3011', 'FROM a:1\nEXPOSE 70000\n');
  catches('DL3011', 'FROM a:1\nEXPOSE 8000-70000/tcp\n');
  leaves('DL3011', 'FROM a:1\nEXPOSE 80 443/tcp 53/udp 8000-8100 $PORT\n');
  // The parser reports the same problem; only DL3011 shows it.
  assert.equal(findingsOf('BE0008', 'FROM a:1\nEXPOSE 70000\n').length, 0);
});

test('ExposeProtoCasing and ExposeInvalidFormat, with fixes', () => {
  const text = 'FROM a:1\nEXPOSE 80/TCP\n';
  assert.equal(covered(text, catches('ExposeProtoCasing', text)[0]), 'TCP');
  assert.equal(fixed('ExposeProtoCasing', text), 'FROM a:1\nEXPOSE 80/tcp\n');
  leaves('ExposeProtoCasing', 'FROM a:1\nEXPOSE 80/udp\n');
  assert.equal(fixed('ExposeInvalidFormat', 'FROM a:1\nEXPOSE 127.0.0.1:8080:80/udp\n'), 'FROM a:1\nEXPOSE 80/udp\n');
  leaves('ExposeInvalidFormat', 'FROM a:1\nEXPOSE 80\n');
});

test('bad ports and protocols are builder errors', () => {
  catches('BE0008', 'FROM a:1\nEXPOSE http\n');
  catches('BE0008', 'FROM a:1\nEXPOSE 80/icmp\n');
});
