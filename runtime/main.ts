// berthd: the Berth runtime core. Foreground process; prints exactly one line on stdout when the socket
// is ready (the extension waits for it); everything else goes to stderr.
import { rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createApiServer } from './api/server.js';
import { releaseSpareNetwork } from './builder/run/build-tasks.js';
import { parseArgs, USAGE } from './daemon/options.js';
import { RootLock } from './daemon/root-lock.js';
import { fullRootWarning } from './daemon/disk-space.js';
import { openServices } from './daemon/services.js';
import { listenOnSocket } from './daemon/listen.js';
import { errorMessage, InvalidError } from './errdefs.js';
import { launchRootless } from './rootless/launch.js';
import { prepareRootlessNamespace } from './rootless/inside.js';
import { watchLauncher } from './rootless/launcher-watch.js';
import { rootlessMode } from './rootless/mode.js';
import { startHolder, stopHolder } from './rootless/namespace-holder.js';
import { loadDefaultSeccomp } from './security/daemon-security.js';
import { chooseStorageDriver } from './snapshots/choose-snapshotter.js';
import { ShiftedRoots, forcedIdShift } from './snapshots/shifted-roots.js';
import { usernsUnsupported } from './userns/userns-mode.js';
import type { EngineMode } from './daemon/engine-mode.js';
import { configureCgroups } from './cgroups/select.js';

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { options } = parsed;
  // A profile file that cannot be used stops the daemon here, as with dockerd, not at the first container.
  loadDefaultSeccomp(options.seccompProfile);
  // The one read of the mode from the environment: the launcher says so when this is a rootless daemon.
  const rootless = rootlessMode();
  if (options.userns === 'auto') {
    const why = usernsUnsupported(process.getuid?.() !== 0 || rootless !== undefined);
    if (why) throw new InvalidError(`--userns auto: ${why}`);
  }
  if (process.getuid?.() !== 0) {
    // An ordinary user: start again inside a user namespace (runtime/rootless/launch.ts).
    process.exitCode = await launchRootless(options);
    return;
  }
  if (rootless) {
    await prepareRootlessNamespace(options.root, Boolean(rootless.slirpApiSocket), rootless.joined);
    if (!rootless.joined) startHolder(options.root);
  }
  const storageDriver = await chooseStorageDriver({
    rootless: rootless !== undefined, storageDriver: options.storageDriver, scratch: options.root,
    log: (line) => process.stderr.write(`berthd: ${line}\n`),
  });
  const cgroups = configureCgroups(options.cgroupDriver, rootless !== undefined, (line) => process.stderr.write(`berthd: ${line}\n`));
  const mode: EngineMode = { rootless, storageDriver, cgroupDriver: cgroups.driver, ...(cgroups.delegated ? { cgroupDelegated: cgroups.delegated } : {}) };
  await mkdir(options.root, { recursive: true, mode: 0o700 });
  const lock = RootLock.acquire(options.root);
  if (options.userns === 'auto') {
    // Every container gets shifted ids: a host that can make them in neither way stops here, not at the first start.
    try {
      mode.idShift = await new ShiftedRoots(options.root, forcedIdShift(), (line) => process.stderr.write(`berthd: ${line}\n`)).method();
    } catch (err) {
      lock.release();
      throw new InvalidError(`--userns auto: ${errorMessage(err)}`);
    }
  }
  const full = fullRootWarning(options.root);
  if (full) process.stderr.write(`berthd: ${full}\n`);
  let services;
  try {
    services = await openServices(options, mode);
  } catch (err) {
    lock.release();
    throw err;
  }
  const api = createApiServer(services);
  try {
    await listenOnSocket(api.server, options.socket);
  } catch (err) {
    lock.release();
    throw err;
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`berthd: ${signal}, shutting down\n`);
    api.server.close(async () => {
      await releaseSpareNetwork();
      await services.engine().then((e) => e.networks.releaseReady(), () => undefined);
      try { rmSync(options.socket, { force: true }); } catch { /* already gone */ }
      // Nothing left that needs the namespaces: let them go (the next start makes new ones).
      if (rootless) {
        const counts = services.usage.containerCounts();
        if (counts.running + counts.paused === 0) stopHolder(options.root);
      }
      lock.release();
      process.exit(0);
    });
    api.closeAll();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (rootless) watchLauncher(() => stop('the launcher is gone'));
  process.stdout.write(`berthd ready on ${options.socket} (root ${options.root})\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`berthd: ${errorMessage(err)}\n`);
  process.exit(1);
});
