// Wires the container stack (networks, volumes, monitors, runc, containers) onto the daemon's
// services: image lookups through the image store, events into the event log, usage hooks.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirSize } from '../fs/dir-size.js';
import { join } from 'node:path';
import type { Services } from '../daemon/services.js';
import { errorMessage } from '../errdefs.js';
import { SparePool, type MonitorCommand } from '../monitor/monitor-client.js';
import { NetworkService } from '../network/network-service.js';
import type { PortMapping } from '../network/ports.js';
import { rootlessMode } from '../rootless/mode.js';
import { SlirpPorts } from '../rootless/slirp-api.js';
import { rootlessRuntime } from '../rootless/runtime-wrapper.js';
import { isCrun, OciRuntime, selectRuntime } from '../tasks/oci-runtime.js';
import { cgroupsForRuntime } from '../cgroups/select.js';
import { setRuntimeNeedsMountedRoot } from '../fs/overlay-mount.js';
import { TaskRunner } from '../tasks/task-runner.js';
import { capabilitiesInMask } from '../tasks/oci-spec.js';
import { VolumeService } from '../volumes/volume-service.js';
import type { SecurityContext } from '../security/container-security.js';
import { openSecurityContext } from '../security/daemon-security.js';
import { securityReport } from '../security/security-info.js';
import { hostIdPool } from '../userns/id-pool.js';
import { usernsUnsupported, type UsernsSupport } from '../userns/userns-mode.js';
import type { ImageRunConfig } from './api-types.js';
import { ContainerFiles } from './container-files.js';
import { ContainerService, type ImageSource } from './container-service.js';
import { ExecService } from './exec-service.js';

export interface ContainerEngine {
  containers: ContainerService; execs: ExecService; networks: NetworkService; volumes: VolumeService; pool: SparePool;
  /** One-shot commands in a rootfs (the builder's RUN); see runtime/README.md. */
  tasks: TaskRunner;
  /** docker cp and docker export. */
  files: ContainerFiles;
  /** The OCI runtime the containers run with (the builder's RUN steps use the same). */
  runtime: OciRuntime;
  /** Seccomp default and host confinement facts, for containers and build steps alike. */
  security: SecurityContext;
}

/** dist/berth-monitor.js next to the daemon bundle; from sources (tests), the TypeScript entry via tsx. */
function monitorCommand(): MonitorCommand {
  const bundled = join(__dirname, 'berth-monitor.js');
  if (existsSync(bundled)) return { execPath: process.execPath, args: [bundled] };
  return { execPath: process.execPath, args: ['--import', 'tsx', join(__dirname, '..', 'monitor', 'main.ts')] };
}

export async function openContainerEngine(s: Services): Promise<ContainerEngine> {
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
  const slirpApi = rootlessMode()?.slirpApiSocket;
  const slirp = slirpApi ? new SlirpPorts(slirpApi) : undefined;
  const forwarder = slirp && {
    add: (p: PortMapping) => slirp.add({ proto: p.proto, hostAddr: p.hostIp || '0.0.0.0', hostPort: p.hostPort, guestPort: p.hostPort }),
    remove: (p: PortMapping) => slirp.remove({ proto: p.proto, hostAddr: p.hostIp || '0.0.0.0', hostPort: p.hostPort, guestPort: p.hostPort }),
  };
  const networks = new NetworkService(root, (action, id, attrs) => s.events.emit('network', action, id, attrs), prefix, forwarder);
  const volumes = new VolumeService(root, (name) => containers?.usingVolume(name) ?? [], (action, name, attrs) => s.events.emit('volume', action, name, attrs));
  await networks.init();
  await networks.restoreRules();
  if (rootlessMode()?.joined) await networks.restoreForwards();
  await volumes.init();
  const pool = new SparePool(monitorCommand(), runDir);
  pool.warm();
  try {
    return await openWithPool(s, pool, { root, runDir, images, networks, volumes, setContainers: (c) => { containers = c; } });
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

async function openWithPool(s: Services, pool: SparePool, { root, runDir, images, networks, volumes, setContainers }: OpenParts): Promise<ContainerEngine> {
  const prefix = s.options.netPrefix ?? 'berth';
  const cgroups = cgroupsForRuntime(prefix, selectRuntime(s.options.ociRuntime, (line) => process.stderr.write(`berthd: ${line}\n`), join(runDir, 'crun-hybrid')), join(runDir, 'cgroup-driver'));
  const selected = cgroups.runtime;
  setRuntimeNeedsMountedRoot(isCrun(selected));
  const runtime = rootlessMode() ? new OciRuntime(rootlessRuntime(selected, join(runDir, 'rootless')), cgroups.limits) : new OciRuntime(selected);
  const security = openSecurityContext(s.options.seccompProfile, selected);
  const userns: UsernsSupport = { default: s.options.userns ?? 'host', unsupported: usernsUnsupported(rootlessMode() !== undefined) };
  const report = securityReport({ context: security, seccompProfileOption: s.options.seccompProfile, rootless: rootlessMode() !== undefined, userns: userns.default === 'auto' });
  s.usage.security = () => report;
  const initBinary = ['/usr/bin/docker-init', '/usr/bin/tini-static', '/usr/bin/tini'].find((p) => existsSync(p));
  const capBnd = /^CapBnd:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  const hostCapabilities = capBnd ? capabilitiesInMask(capBnd) : undefined;
  const containers = new ContainerService({ root, images, pool, runtime, networks, volumes, initBinary, cgroupParent: prefix, hostCapabilities, security, userns, idPool: hostIdPool(), log: (line) => process.stderr.write(`berthd: ${line}\n`), publish: (action, id, attrs) => s.events.emit('container', action, id, attrs) });
  setContainers(containers);
  await containers.init();
  const execs = new ExecService(containers, runtime, (action, id, attrs) => s.events.emit('container', action, id, attrs));
  containers.setProbe((id, cmd, timeoutMs) => execs.probe(id, cmd, timeoutMs));
  const c = containers;
  s.images.setImageUsage({
    isImageInUse: (imageId) => { const r = c.usingImage(imageId); const run = r.find((x) => x.State.Status === 'running') ?? r[0]; return run ? { id: run.Id, running: run.State.Status === 'running' } : undefined; },
    containerCount: (imageId) => c.usingImage(imageId).length,
  });
  s.usage.containerCounts = () => {
    const all = c.all();
    const running = all.filter((r) => r.State.Status === 'running').length;
    const paused = all.filter((r) => r.State.Status === 'paused').length;
    return { total: all.length, running, paused, stopped: all.length - running - paused };
  };
  // Sizes as Docker counts them: file bytes under the writable layer (or the volume's data).
  s.usage.diskUsageContainers = () => Promise.all(c.all().map(async (r) => {
    const rw = await dirSize(c.paths(r.Id).upper);
    const image = s.imageStore.get(r.Image) ?? s.imageStore.getDeleted(r.Image);
    return { ...c.summary(r), SizeRw: rw, SizeRootFs: rw + (image?.size ?? 0) };
  }));
  s.usage.diskUsageVolumes = () => Promise.all(volumes.list().map(async (v) => ({ ...v, UsageData: { Size: await dirSize(v.Mountpoint), RefCount: c.usingVolume(v.Name).length } })));
  const tasks = new TaskRunner({ runtime: runtime.binary, networks, cgroupParent: containers.cgroupParent, initBinary, security });
  return { containers, execs, networks, volumes, pool, tasks, runtime, security, files: new ContainerFiles(containers) };
}

const engines = new WeakMap<Services, Promise<ContainerEngine>>();

/**
 * The daemon's one container engine, opened on first use (the container routes ask at registration,
 * so reconcile runs at daemon start). Other routes (build) get the same engine here.
 */
export function containerEngine(s: Services): Promise<ContainerEngine> {
  let e = engines.get(s);
  if (!e) {
    e = openContainerEngine(s);
    engines.set(s, e);
    // A failed open (a full disk at start, say) is not kept: the next request tries again.
    e.catch((err: unknown) => {
      if (engines.get(s) === e) engines.delete(s);
      process.stderr.write(`berthd: containers unavailable (tried again at the next request): ${errorMessage(err)}\n`);
    });
  }
  return e;
}
