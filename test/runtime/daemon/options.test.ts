import assert from 'node:assert/strict';
import { test } from 'node:test';
import { netPrefixForRoot, parseArgs } from '../../../runtime/daemon/options.js';

const defaults = { socket: '/run/berth/engine.sock', root: '/var/lib/berth' };

function options(argv: string[]) {
  const p = parseArgs(argv, defaults);
  assert.equal(p.help, false);
  if (p.help) throw new Error('unreachable');
  return p.options;
}

test('the default root keeps the prefix "berth"; another root gets its own, stable one', () => {
  assert.equal(options([]).netPrefix, 'berth');
  assert.equal(options(['--root', '/var/lib/berth/']).netPrefix, 'berth');
  const other = options(['--root', '/tmp/x/root']).netPrefix!;
  assert.match(other, /^b[a-z0-9]{5}$/);
  assert.equal(other, netPrefixForRoot('/tmp/x/root'));
  assert.notEqual(options(['--root', '/tmp/y/root']).netPrefix, other);
  assert.equal(options(['--root', '/tmp/x/root', '--net-prefix', 'tab1']).netPrefix, 'tab1');
});

test('bad arguments are named', () => {
  assert.throws(() => parseArgs(['--net-prefix', 'Bad-Name'], defaults), /--net-prefix "Bad-Name"/);
  assert.throws(() => parseArgs(['--root'], defaults), /--root needs a value/);
  assert.throws(() => parseArgs(['--frobnicate'], defaults), /unknown argument "--frobnicate"/);
});

test('--seccomp-profile: a file (made absolute), unconfined, or Docker\'s default', () => {
  assert.equal(options([]).seccompProfile, undefined);
  assert.equal(options(['--seccomp-profile', 'unconfined']).seccompProfile, 'unconfined');
  assert.equal(options(['--seccomp-profile=/usr/share/containers/seccomp.json']).seccompProfile, '/usr/share/containers/seccomp.json');
  assert.equal(options(['--seccomp-profile', 'p.json']).seccompProfile, `${process.cwd()}/p.json`);
  assert.throws(() => parseArgs(['--seccomp-profile'], defaults), /--seccomp-profile needs a value/);
});
