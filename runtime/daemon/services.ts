// The composition root: everything the API handlers call, opened once per daemon on one root at
// start, from the parsed options and the daemon's mode (engine-mode.ts): the stores, then the
// container stack (container-stack.ts).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobStore } from '../content/blob-store.js';
import { EventLog } from '../events/event-log.js';
import { TempSpace } from '../fs/temp-dir.js';
import { errorMessage, setEngineRoot } from '../errdefs.js';
import { removeMetadataTemps, startLog, unmountRequestLeftovers } from './start-recovery.js';
import { ImageService } from '../images/image-service.js';
import { ImageStore } from '../images/image-store.js';
import { ImageTransfers } from '../images/transfers/image-transfers.js';
import { LayerStore } from '../layers/layer-store.js';
import type { DaemonOptions } from './options.js';
import type { SecurityReport } from '../security/security-info.js';
import { openContainerStack, type ContainerEngine } from './container-stack.js';
import type { EngineMode } from './engine-mode.js';
import { registryNetwork, type RegistryNetwork } from '../registry/registry-network.js';
import { registrySettings } from './config-file.js';

/** What other services (containers, volumes) report into `info` and `system/df`. */
export interface UsageHooks {
  containerCounts(): { total: number; running: number; paused: number; stopped: number };
  /** Containers with SizeRw (their writable layer) and SizeRootFs; volumes with UsageData. */
  diskUsageContainers(): Promise<unknown[]>;
  diskUsageVolumes(): Promise<unknown[]>;
  /** docker info's SecurityOptions and Warnings; set once the container engine knows its runtime. */
  security(): SecurityReport;
}

/** The stores under the root, opened first. */
export interface Stores {
  options: DaemonOptions;
  events: EventLog;
  temp: TempSpace;
  blobs: BlobStore;
  layers: LayerStore;
  imageStore: ImageStore;
  images: ImageService;
  transfers: ImageTransfers;
  /** How pulls, pushes and logins reach registries (proxies, certs.d, insecure registries, mirrors). */
  registries: RegistryNetwork;
}

export interface Services extends Stores {
  mode: EngineMode;
  startedAt: Date;
  usage: UsageHooks;
  /**
   * The container stack, opened at start. A failed open (a full disk at start, say) is not kept:
   * the next call tries again, so the daemon stays up and containers work once the cause is gone.
   */
  engine(): Promise<ContainerEngine>;
}

const NO_USAGE: UsageHooks = {
  containerCounts: () => ({ total: 0, running: 0, paused: 0, stopped: 0 }),
  diskUsageContainers: async () => [],
  diskUsageVolumes: async () => [],
  security: () => ({ SecurityOptions: [], Warnings: ['WARNING: the container engine is not open yet: nothing is known about container confinement'] }),
};

/**
 * Opens the stores under `options.root` (clears temp leftovers, loads and reconciles images and
 * layers), then starts opening the container stack (reconcile with the monitors of containers that
 * kept running).
 */
export async function openServices(options: DaemonOptions, mode: EngineMode): Promise<Services> {
  const stores = await openStores(options, mode);
  const usage: UsageHooks = { ...NO_USAGE };
  let opening: Promise<ContainerEngine> | undefined;
  const engine = (): Promise<ContainerEngine> => {
    if (opening) return opening;
    const e = openContainerStack(stores, mode, usage);
    opening = e;
    e.catch((err: unknown) => {
      if (opening === e) opening = undefined;
      process.stderr.write(`berthd: containers unavailable (tried again at the next request): ${errorMessage(err)}\n`);
    });
    return e;
  };
  void engine().catch(() => undefined);
  return { ...stores, mode, startedAt: new Date(), usage, engine };
}

async function openStores(options: DaemonOptions, mode: EngineMode): Promise<Stores> {
  setEngineRoot(options.root);
  const rootless = mode.rootless !== undefined;
  const settings = await registrySettings(options, rootless);
  const registries = registryNetwork({
    rootless, certsDir: options.registryCertsDir, insecureRegistries: settings.insecureRegistries, mirrors: settings.registryMirrors,
    loopbackRelay: mode.rootless?.loopbackProxySocket,
  });
  await mkdir(options.root, { recursive: true, mode: 0o700 });
  // Mounts a killed daemon's requests left go first: emptying tmp/ would fail on them (EBUSY).
  await unmountRequestLeftovers(options.root, startLog);
  const temp = new TempSpace(join(options.root, 'tmp'));
  await temp.init(startLog);
  await removeMetadataTemps(options.root, startLog);
  const events = new EventLog();
  const blobs = new BlobStore(options.root, temp);
  await blobs.init();
  // A rootless daemon mapping only its own id cannot give files any other owner.
  const layers = new LayerStore(options.root, blobs, temp, process.getuid?.() === 0 && !mode.rootless?.singleId);
  await layers.init();
  const imageStore = new ImageStore(options.root, blobs, layers);
  await imageStore.init();
  const images = new ImageService(imageStore, events);
  const transfers = new ImageTransfers(images, blobs, layers, temp, registries);
  return { options, events, temp, blobs, layers, imageStore, images, transfers, registries };
}
