// The container stack (networks, volumes, monitors, the OCI runtime, the snapshotter, containers,
// execs, the task runner) wired onto the daemon's stores: image lookups through the image store,
// events into the event log, usage hooks for info and df. Part of the composition root: services.ts
// opens it at start with the daemon's mode.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dirSize } from '../fs/dir-size.js';
import type { ImageRunConfig } from '../containers/api-types.js';
import { ContainerFiles } from '../containers/container-files.js';
import { ContainerService, type ImageSource } from '../containers/container-service.js';
import { ExecService } from '../containers/exec-service.js';
import { SparePool, type MonitorCommand } from '../monitor/monitor-client.js';
import { NetworkService } from '../network/network-service.js';
import type { PortMapping } from '../network/ports.js';
import { rootlessSpec } from '../rootless/rootless-spec.js';
import { SlirpPorts } from '../rootless/slirp-api.js';
import { rootlessRuntime } from '../rootless/runtime-wrapper.js';
import { cgroupsForRuntime } from '../cgroups/select.js';
import type { SecurityContext } from '../security/container-security.js';
import { openSecurityContext } from '../security/daemon-security.js';
import { securityReport } from '../security/security-info.js';
import { makeSnapshotter } from '../snapshots/choose-snapshotter.js';
import type { Snapshotter } from '../snapshots/snapshotter.js';
import { OciRuntime } from '../oci/oci-runtime.js';
import { selectRuntime } from '../oci/runtime-select.js';
import { capabilitiesInMask, type OciSpec } from '../tasks/oci-spec.js';
import { TaskRunner, type TaskNetworks } from '../tasks/task-runner.js';
import { hostIdPool } from '../userns/id-pool.js';
import { usernsUnsupported, type UsernsSupport } from '../userns/userns-mode.js';
import { VolumeService } from '../volumes/volume-service.js';
import type { EngineMode } from './engine-mode.js';
import type { Stores, UsageHooks } from './services.js';

export interface ContainerEngine {
  containers: ContainerService; execs: ExecService; networks: NetworkService; volumes: VolumeService; pool: SparePool;
  /** One-shot commands in a rootfs; see runtime/README.md. */
  tasks: TaskRunner;
  /** A task runner over other networks (a build's shared namespace), otherwise as `tasks`. */
  taskRunner(networks: TaskNetworks): TaskRunner;
  /** docker cp and docker export. */
  files: ContainerFiles;
  /** The OCI runtime the containers run with (the builder's RUN steps use the same). */
  runtime: OciRuntime;
  /** How roots are made: containers, build steps and file views alike. */
  snapshotter: Snapshotter;
  /** Seccomp default and host confinement facts, for containers and build steps alike. */
  security: SecurityContext;
}

/** dist/berth-monitor.js next to the daemon bundle; from sources (tests), the TypeScript entry via tsx. */
function monitorCommand(): MonitorCommand {
  const bundled = join(__dirname, 'berth-monitor.js');
  if (existsSync(bundled)) return { execPath: process.execPath, args: [bundled] };
  return { execPath: process.execPath, args: ['--import', 'tsx', join(__dirname, '..', 'monitor', 'main.ts')] };
}

const daemonLog = (line: string): void => { process.stderr.write(`berthd: ${line}\n`); };

export async function openContainerStack(s: Stores, mode: EngineMode, usage: UsageHooks): Promise<ContainerEngine> {
  const root = s.options.root;
  const runDir = join(root, 'run');
  await mkdir(runDir, { recursive: true });
  const images: ImageSource = {
    resolve(ref) {
      const e = s.images.resolve(ref);
      const top = e.chainIds[e.chainIds.length - 1];
      const layerDirs = top ? s.layers.lowerDirs(top).reverse() : [];
      const cfg = ((e.config as { config?: ImageRunConfig }).config ?? {}) as ImageRunConfig;
      return { id: e.id, name: ref, config: cfg, layerDirs };
    },
    display(_id, fallback) { return fallback; },
  };
  let containers: ContainerService | undefined;
  const prefix = s.options.netPrefix ?? 'berth';
  const slirpApi = mode.rootless?.slirpApiSocket;
  const slirp = slirpApi ? new SlirpPorts(slirpApi) : undefined;
  const forwarder = slirp && {
    add: (p: PortMapping) => slirp.add({ proto: p.proto, hostAddr: p.hostIp || '0.0.0.0', hostPort: p.hostPort, guestPort: p.hostPort }),
    remove: (p: PortMapping) => slirp.remove({ proto: p.proto, hostAddr: p.hostIp || '0.0.0.0', hostPort: p.hostPort, guestPort: p.hostPort }),
  };
  const networks = new NetworkService(root, (action, id, attrs) => s.events.emit('network', action, id, attrs), prefix, forwarder);
  const volumes = new VolumeService(root, (name) => containers?.usingVolume(name) ?? [], (action, name, attrs) => s.events.emit('volume', action, name, attrs));
  await networks.init();
  await networks.restoreRules();
  if (mode.rootless?.joined) await networks.restoreForwards();
  await volumes.init();
  const pool = new SparePool(monitorCommand(), runDir);
  pool.warm();
  try {
    return await openWithPool(s, mode, usage, pool, { root, runDir, images, networks, volumes, setContainers: (c) => { containers = c; } });
  } catch (err) {
    // A failed open is tried again at the next request: its spare monitors must not pile up.
    await pool.close().catch(() => undefined);
    throw err;
  }
}

interface OpenParts {
  root: string; runDir: string; images: ImageSource; networks: NetworkService; volumes: VolumeService;
  setContainers(c: ContainerService): void;
}

async function openWithPool(s: Stores, mode: EngineMode, usage: UsageHooks, pool: SparePool, { root, runDir, images, networks, volumes, setContainers }: OpenParts): Promise<ContainerEngine> {
  const prefix = s.options.netPrefix ?? 'berth';
  // The cgroup driver's global flags (systemd) ride on a wrapper of the runtime's name (cgroups/runtime-flags.ts).
  const cgroups = cgroupsForRuntime(prefix, selectRuntime(s.options.ociRuntime, daemonLog, join(runDir, 'crun-hybrid')), join(runDir, 'cgroup-driver'), mode);
  const selected = cgroups.runtime;
  const rootless = mode.rootless;
  const runtime = rootless ? new OciRuntime(rootlessRuntime(selected, join(runDir, 'rootless')), cgroups.limits) : new OciRuntime(selected);
  // Chosen once: crun cannot mount the root overlay from the spec, so with it the daemon mounts roots.
  const snapshotter = makeSnapshotter({ driver: mode.storageDriver, rootless: Boolean(rootless), runtimeMountsOverlay: !runtime.commands.quirks.needsMountedRoot, scratch: join(root, 'tmp'), idShift: mode.idShift, log: daemonLog });
  const adjust = rootless && ((spec: OciSpec): OciSpec => rootlessSpec(spec, rootless, cgroups.limits));
  const security = openSecurityContext(s.options.seccompProfile, selected);
  const userns: UsernsSupport = { default: s.options.userns ?? 'host', unsupported: usernsUnsupported(rootless !== undefined) };
  const report = securityReport({ context: security, seccompProfileOption: s.options.seccompProfile, rootless: rootless !== undefined, cgroupLimits: cgroups.limits, userns: userns.default === 'auto' });
  usage.security = () => report;
  const initBinary = ['/usr/bin/docker-init', '/usr/bin/tini-static', '/usr/bin/tini'].find((p) => existsSync(p));
  const capBnd = /^CapBnd:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  const hostCapabilities = capBnd ? capabilitiesInMask(capBnd) : undefined;
  const containers = new ContainerService({
    root, images, pool, runtime, networks, volumes, initBinary, cgroupParent: prefix, cgroups: mode, hostCapabilities, security, userns, idPool: hostIdPool(),
    snapshotter, rootless, adjustSpec: adjust || undefined, log: daemonLog, publish: (action, id, attrs) => s.events.emit('container', action, id, attrs),
  });
  setContainers(containers);
  await containers.init();
  const execs = new ExecService(containers, runtime, (action, id, attrs) => s.events.emit('container', action, id, attrs));
  containers.setProbe((id, cmd, timeoutMs) => execs.probe(id, cmd, timeoutMs));
  const c = containers;
  s.images.setImageUsage({
    isImageInUse: (imageId) => { const r = c.usingImage(imageId); const run = r.find((x) => x.State.Status === 'running') ?? r[0]; return run ? { id: run.Id, running: run.State.Status === 'running' } : undefined; },
    containerCount: (imageId) => c.usingImage(imageId).length,
  });
  usage.containerCounts = () => {
    const all = c.all();
    const running = all.filter((r) => r.State.Status === 'running').length;
    const paused = all.filter((r) => r.State.Status === 'paused').length;
    return { total: all.length, running, paused, stopped: all.length - running - paused };
  };
  // Sizes as Docker counts them: file bytes under the writable layer (or the volume's data).
  usage.diskUsageContainers = () => Promise.all(c.all().map(async (r) => {
    const rw = await dirSize(c.paths(r.Id).upper);
    const image = s.imageStore.get(r.Image) ?? s.imageStore.getDeleted(r.Image);
    return { ...c.summary(r), SizeRw: rw, SizeRootFs: rw + (image?.size ?? 0) };
  }));
  usage.diskUsageVolumes = () => Promise.all(volumes.list().map(async (v) => ({ ...v, UsageData: { Size: await dirSize(v.Mountpoint), RefCount: c.usingVolume(v.Name).length } })));
  const taskRunner = (over: TaskNetworks): TaskRunner => new TaskRunner({
    runtime, networks: over, cgroupParent: containers.cgroupParent, cgroups: mode, initBinary, security, hostCapabilities, snapshotter, adjust: adjust || undefined,
  });
  return {
    containers, execs, networks, volumes, pool, tasks: taskRunner(networks), taskRunner, runtime, snapshotter, security, files: new ContainerFiles(containers),
  };
}
