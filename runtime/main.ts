// berthd: the Berth runtime core. Foreground process; prints exactly one line on stdout when the socket
// is ready (the extension waits for it); everything else goes to stderr.
import { rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createApiServer } from './api/server.js';
import { parseArgs, USAGE } from './daemon/options.js';
import { RootLock } from './daemon/root-lock.js';
import { fullRootWarning } from './daemon/disk-space.js';
import { openServices } from './daemon/services.js';
import { listenOnSocket } from './daemon/listen.js';
import { errorMessage, InvalidError } from './errdefs.js';
import { chooseRootlessOverlay } from './rootless/overlay-choice.js';
import { launchRootless } from './rootless/launch.js';
import { prepareRootlessNamespace } from './rootless/inside.js';
import { watchLauncher } from './rootless/launcher-watch.js';
import { rootlessMode } from './rootless/mode.js';
import { startHolder, stopHolder } from './rootless/namespace-holder.js';
import { loadDefaultSeccomp } from './security/daemon-security.js';
import { usernsUnsupported } from './userns/userns-mode.js';
import { probeIdmappedRoots } from './userns/probe.js';
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
  if (options.userns === 'auto') {
    const why = usernsUnsupported(process.getuid?.() !== 0 || rootlessMode() !== undefined);
    if (why) throw new InvalidError(`--userns auto: ${why}`);
  }
  if (process.getuid?.() !== 0) {
    // An ordinary user: start again inside a user namespace (runtime/rootless/launch.ts).
    process.exitCode = await launchRootless(options);
    return;
  }
  const rootless = rootlessMode();
  if (rootless) {
    await prepareRootlessNamespace(options.root, Boolean(rootless.slirpApiSocket), rootless.joined);
    if (!rootless.joined) startHolder(options.root);
    await chooseRootlessOverlay(options.storageDriver, options.root, (line) => process.stderr.write(`berthd: ${line}\n`));
  } else if (options.storageDriver === 'fuse-overlayfs') {
    throw new InvalidError('--storage-driver fuse-overlayfs is for rootless mode: as root berthd uses the kernel\'s overlayfs');
  }
  configureCgroups(options.cgroupDriver, rootless !== undefined, (line) => process.stderr.write(`berthd: ${line}\n`));
  await mkdir(options.root, { recursive: true, mode: 0o700 });
  const lock = RootLock.acquire(options.root);
  if (options.userns === 'auto') {
    try { await probeIdmappedRoots(options.root); } catch (err) { lock.release(); throw err; }
  }
  const full = fullRootWarning(options.root);
  if (full) process.stderr.write(`berthd: ${full}\n`);
  let services;
  try {
    services = await openServices(options);
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
    api.server.close(() => {
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
