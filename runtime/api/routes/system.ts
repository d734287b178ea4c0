// System routes: _ping, version, info, events, system/df, auth (docker login).
import { cacheMountRecords } from '../../builder/mounts/cache-mount-store.js';
import { hostname, release, totalmem, cpus } from 'node:os';
import type { ServerResponse } from 'node:http';
import type { Services } from '../../daemon/services.js';
import { eventFilter } from '../../events/event-filter.js';
import type { EngineEvent } from '../../events/event-log.js';
import { login } from '../../registry/login.js';
import { registryInfo } from '../../registry/registry-network.js';
import type { RegistryCredentials } from '../../registry/transfer-types.js';
import { authBody } from '../../schema/resource-schemas.js';
import { readBody } from '../body.js';
import { parseTimestamp } from '../../filters.js';
import { parseFilters } from '../query.js';
import { sendJson } from '../respond.js';
import type { ApiRequest, Router } from '../router.js';
import { API_VERSION, ENGINE_VERSION, MIN_API_VERSION } from '../server.js';
import { cgroupInfo } from '../../cgroups/select.js';
import { sharedSizes } from '../../images/shared-size.js';
import { hostPlatform } from '../../images/platform.js';

const ARCH = hostPlatform().architecture;

export function registerSystemRoutes(router: Router, s: Services): void {
  const ping = (req: ApiRequest, res: ServerResponse): void => {
    res.writeHead(200, {
      'Api-Version': API_VERSION,
      'Builder-Version': '1',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      'Docker-Experimental': 'false',
      Ostype: 'linux',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': req.method === 'HEAD' ? 0 : 2,
    });
    res.end(req.method === 'HEAD' ? undefined : 'OK');
  };
  router.get('/_ping', ping).head('/_ping', ping);

  router.get('/version', (_req, res) => sendJson(res, 200, versionBody()));
  // What /info and /system/df say of containers (counts, confinement, rootless) comes from the container
  // stack, which opens after the ready line: answer once it is open (or has failed to, which /info says).
  const stackOpen = (): Promise<unknown> => s.engine().catch(() => undefined);
  router.get('/info', async (_req, res) => {
    await stackOpen();
    sendJson(res, 200, infoBody(s));
  });
  router.get('/events', (req, res) => streamEvents(s, req, res));
  router.post('/auth', async (req, res) => {
    await login(authConfig(await readBody<Record<string, string | undefined>>(req.raw, authBody)), { network: s.registries });
    // The CLI stores the password itself; an empty IdentityToken tells it to.
    sendJson(res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
  });
  router.get('/system/df', async (_req, res) => {
    await stackOpen();
    const listed = s.images.list({ all: true, filters: new Map() });
    const shared = sharedSizes(listed.map((i) => s.imageStore.get(i.Id)).filter((e) => e !== undefined), (c) => s.layers.get(c)?.size ?? 0);
    const images = listed.map((summary) => ({ ...summary, SharedSize: shared.get(summary.Id) ?? 0, Containers: s.images.imageUsage.containerCount?.(summary.Id) ?? 0 }));
    const [containers, volumes, buildCache] = await Promise.all([s.usage.diskUsageContainers(), s.usage.diskUsageVolumes(), cacheMountRecords(s.options.root)]);
    sendJson(res, 200, {
      LayersSize: s.layers.all().reduce((sum, l) => sum + l.size, 0),
      Images: images,
      Containers: containers,
      Volumes: volumes,
      BuildCache: buildCache,
      BuilderSize: buildCache.reduce((sum, b) => sum + b.Size, 0),
    });
  });
}

/** The AuthConfig body of POST /auth (decoded: every field a string). */
function authConfig(body: Record<string, string | undefined>): RegistryCredentials {
  const out: RegistryCredentials = {};
  for (const key of ['username', 'password', 'serveraddress', 'identitytoken', 'registrytoken'] as const) {
    if (body[key]) out[key] = body[key];
  }
  return out;
}

function versionBody(): Record<string, unknown> {
  const details = {
    ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: ARCH, KernelVersion: release(),
    GitCommit: '', GoVersion: `node ${process.version}`, BuildTime: '', Experimental: 'false',
  };
  return {
    Platform: { Name: 'Berth Engine' },
    Components: [{ Name: 'Engine', Version: ENGINE_VERSION, Details: details }],
    Version: ENGINE_VERSION,
    ...details,
    // A string in Details, a bool here: the CLI fails to decode it otherwise.
    Experimental: false,
  };
}

function infoBody(s: Services): Record<string, unknown> {
  const c = s.usage.containerCounts();
  const runtimePath = s.options.ociRuntime ?? 'runc';
  // Rootless with no cgroup tree delegated: say so as Docker does (the CLI then prints its "No ... support" warnings).
  const cgroups = cgroupInfo(s.mode);
  const rootless = !cgroups.limits;
  const security = s.usage.security();
  return {
    ID: '',
    Containers: c.total,
    ContainersRunning: c.running,
    ContainersPaused: c.paused,
    ContainersStopped: c.stopped,
    Images: s.imageStore.count,
    Driver: s.mode.storageDriver === 'fuse-overlayfs' ? 'fuse-overlayfs' : 'overlay',
    DriverStatus: [['Backing Filesystem', 'unpacked layers'], ['Socket', s.options.socket]],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: ['json-file'] },
    MemoryLimit: !rootless,
    SwapLimit: false,
    CpuCfsPeriod: !rootless,
    CpuCfsQuota: !rootless,
    CPUShares: !rootless,
    CPUSet: !rootless,
    PidsLimit: !rootless,
    IPv4Forwarding: true,
    Debug: false,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: cgroups.driver,
    CgroupVersion: cgroups.version,
    NEventsListener: s.events.subscriberCount,
    KernelVersion: release(),
    OperatingSystem: 'Berth Engine',
    OSVersion: '',
    OSType: 'linux',
    Architecture: process.arch === 'x64' ? 'x86_64' : process.arch,
    IndexServerAddress: 'https://index.docker.io/v1/',
    ...registryInfo(s.registries),
    NCPU: cpus().length,
    MemTotal: totalmem(),
    DockerRootDir: s.options.root,
    Name: hostname(),
    Labels: [`berth.socket=${s.options.socket}`],
    ExperimentalBuild: false,
    ServerVersion: ENGINE_VERSION,
    Runtimes: { runc: { path: runtimePath } },
    DefaultRuntime: 'runc',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: '',
    SecurityOptions: security.SecurityOptions,
    Warnings: security.Warnings.length ? security.Warnings : null,
    BerthSocket: s.options.socket,
  };
}

/** Replays past events for `since`, then streams live ones until `until` or the client goes away. */
function streamEvents(s: Services, req: ApiRequest, res: ServerResponse): void {
  const match = eventFilter(parseFilters(req.query.get('filters')));
  const sinceRaw = req.query.get('since');
  const untilRaw = req.query.get('until');
  const since = sinceRaw ? parseTimestamp(sinceRaw, 'since') : undefined;
  const until = untilRaw ? parseTimestamp(untilRaw, 'until') : undefined;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const write = (e: EngineEvent): void => {
    if (match(e) && !res.writableEnded) res.write(`${JSON.stringify(e)}\n`);
  };
  if (since !== undefined) for (const e of s.events.replay(since, until)) write(e);
  const nowNano = BigInt(Date.now()) * 1_000_000n;
  if (until !== undefined && until <= nowNano) {
    res.end();
    return;
  }
  const unsubscribe = s.events.subscribe((e) => {
    if (until !== undefined && BigInt(e.timeNano) > until) return;
    write(e);
  });
  let timer: NodeJS.Timeout | undefined;
  if (until !== undefined) {
    timer = setTimeout(() => res.end(), Number((until - nowNano) / 1_000_000n) + 1);
  }
  // On Node 20, req 'close' fires when the body is read; res 'close' means the client went away.
  res.on('close', () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  });
}
