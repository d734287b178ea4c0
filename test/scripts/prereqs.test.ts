import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensurePackages, hasSubordinateIds, PrerequisiteError, subordinateIdsFix, tunDeviceFix } from '../../scripts/lib/prereqs.mjs';

const user = { name: 'ada', uid: 1000 };

test('subordinate ids are found by user name or uid, and a missing range gives the usermod command', () => {
  assert.equal(hasSubordinateIds('root:100000:65536\nada:165536:65536\n', user), true);
  assert.equal(hasSubordinateIds('1000:165536:65536\n', user), true);
  assert.equal(hasSubordinateIds('bob:165536:65536\n', user), false);
  assert.equal(subordinateIdsFix({ user, read: () => 'ada:165536:65536\n' }), undefined);
  const fix = subordinateIdsFix({ user, read: (f) => (f === '/etc/subuid' ? 'ada:165536:65536\n' : '') });
  assert.equal(fix?.command, 'sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ada');
  assert.equal(subordinateIdsFix({ user, read: () => { throw new Error('ENOENT'); } })?.command, fix?.command);
});

test('without root, what is missing is named and one command fixes it all; nothing is installed', () => {
  assert.throws(
    () => ensurePackages([{ apt: 'berth-no-such-package', why: 'a test', satisfied: () => false }], { root: false, otherFixes: [{ why: 'subordinate ids', command: 'sudo usermod x' }] }),
    (err: unknown) => err instanceof PrerequisiteError
      && /lacks: berth-no-such-package \(a test\), subordinate ids/.test(err.message)
      && err.message.includes('sudo apt-get update && sudo apt-get install -y berth-no-such-package && sudo usermod x'),
  );
});

test('/dev/net/tun closed to the user: the chmod, otherwise nothing', () => {
  assert.equal(tunDeviceFix({ canOpen: () => true }), undefined);
  assert.equal(tunDeviceFix({ canOpen: () => false })?.command, 'sudo chmod 0666 /dev/net/tun');
});
