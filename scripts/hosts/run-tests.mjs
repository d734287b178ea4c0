// npm run test:hosts: runs a named subset of the integration suites on a real cgroup v2 host, a
// Debian 12 VM booted with systemd and the unified hierarchy under qemu (software emulation). Builds
// the VM image when it is not cached (image.mjs), boots it (boot.mjs) with this repository shared in
// read-only at the same path, runs the suites there as root (the rootless suite makes its own user,
// logged in through systemd), prints node:test's report and exits with its status.
//   node scripts/hosts/run-tests.mjs [test files...]   (default: SUBSET)
import { existsSync, realpathSync, lstatSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { ensureImage } from './image.mjs';
import { bootAndRun } from './boot.mjs';

/**
 * What runs in the VM, chosen from the measured costs (README, "cgroup v2 hosts"): what only a v2 host
 * can show (lifecycle in systemd scopes, limits, OOM, stats, freezer, top/update, ports, build, the
 * cgroupfs driver, rootless limits). containers-lifecycle.test.ts is left out: its health-check and
 * attach tests wait 2 s and 15 s for things that take longer under software emulation on a loaded
 * machine (measured: 3 of its 7 tests time out there, none of them about cgroups).
 */
export const SUBSET = [
  'test/runtime/integration/cgroup-v2-containers.test.ts',
  'test/runtime/integration/cgroup-v2-rootless.test.ts',
];

const repo = resolve(process.cwd());
const files = process.argv.slice(2).length ? process.argv.slice(2) : SUBSET;
for (const f of files) {
  if (!existsSync(join(repo, f))) {
    console.error(`test:hosts: ${f} does not exist (give paths relative to the repository root)`);
    process.exit(2);
  }
}
if (!existsSync(join(repo, 'dist', 'runtime.js'))) {
  console.error('test:hosts: dist/runtime.js is missing: run npm run build first');
  process.exit(2);
}

const shares = [{ path: repo, tag: 'repo', readonly: true }];
// A node_modules that is a link out of the repository (a shared install) is shared at its own path.
const nm = join(repo, 'node_modules');
if (existsSync(nm) && lstatSync(nm).isSymbolicLink()) shares.push({ path: realpathSync(nm), tag: 'modules', readonly: true });
const mount = (s) => `mkdir -p '${s.path}' && mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144${s.readonly ? ',ro' : ''} ${s.tag} '${s.path}'`;

const job = `set -u
${shares.map(mount).join('\n')}
cd '${repo}'
export CI=true BERTH_TEST_HOST=cgroup-v2 PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
echo "== $(uname -r), $(cat /sys/fs/cgroup/cgroup.controllers | tr ' ' ,), node $(node --version), $(nproc) vCPUs"
node --import tsx --test --test-reporter=spec --test-concurrency=1 --test-timeout=900000 --test-force-exit ${files.map((f) => `'${f}'`).join(' ')}
`;

const started = Date.now();
let image;
let r;
try {
  image = ensureImage();
} catch (err) {
  console.error(`test:hosts: cannot build the cgroup v2 host: ${err.message}`);
  process.exit(1);
}
const built = (Date.now() - started) / 1000;
try {
  r = await bootAndRun(image, { job, shares, onOutput: (t) => process.stdout.write(t), timeoutMs: Number(process.env.BERTH_HOSTS_TIMEOUT_S ?? 2400) * 1000 });
} catch (err) {
  console.error(`test:hosts: cannot boot the cgroup v2 host: ${err.message}`);
  process.exit(1);
}
const total = (Date.now() - started) / 1000;
console.log(`\ntest:hosts: image ${built < 5 ? 'cached' : `built in ${built.toFixed(0)} s`}, guest up after ${r.bootSeconds?.toFixed(0) ?? '?'} s, whole run ${total.toFixed(0)} s; suites exited ${r.status}`);
process.exit(r.status === 0 ? 0 : 1);
