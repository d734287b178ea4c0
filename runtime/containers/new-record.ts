// A create request (decoded and checked: runtime/schema, create-checks.ts) becomes a container record:
// ports checked against what Berth can publish, volumes and bind sources made ready, image defaults merged in.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { NetworkService } from '../network/network-service.js';
import { portMappings } from '../network/ports.js';
import { resolveArgs } from '../tasks/oci-spec.js';
import type { VolumeService } from '../volumes/volume-service.js';
import type { CreateRequest } from './api-types.js';
import { parseBinds } from './binds.js';
import { createEndpoints } from './endpoints.js';
import type { ResolvedImage } from './container-service.js';
import { initialState, type ContainerRecord } from './record.js';
import { checkUsernsConflicts, wantsOwnUserns, type UsernsSupport } from '../userns/userns-mode.js';
import { securityAtCreate, type SecurityContext } from '../security/container-security.js';

export async function newContainerRecord(req: CreateRequest, id: string, name: string, image: ResolvedImage, d: { volumes: VolumeService; networks: NetworkService; security: SecurityContext; userns: UsernsSupport }): Promise<ContainerRecord> {
  const hc = req.HostConfig ?? {};
  if (wantsOwnUserns(hc, d.userns.default)) checkUsernsConflicts(hc, d.userns);
  const security = securityAtCreate(hc, d.security.host);
  const { HostConfig: _h, NetworkingConfig: net, ...config } = req;
  void _h;
  // dockerd: an Entrypoint of [""] (`--entrypoint ""`) replaces the image's entrypoint (and so its Cmd)
  // with nothing, and is then recorded as null.
  const resetEntrypoint = config.Entrypoint?.length === 1 && config.Entrypoint[0] === '';
  if (resetEntrypoint) config.Entrypoint = [];
  const args = resolveArgs(config, image.config);
  portMappings(hc, [...Object.keys(image.config.ExposedPorts ?? {}), ...Object.keys(config.ExposedPorts ?? {})]);
  const mounts: ContainerRecord['Mounts'] = [];
  for (const b of parseBinds(hc.Binds ?? [], hc.Mounts ?? [])) {
    if (b.type === 'volume') {
      const v = await d.volumes.create({ Name: b.source || undefined }, !b.source);
      mounts.push({ Type: 'volume', Name: v.Name, Source: v.Mountpoint, Destination: b.destination, RW: !b.readonly, ...(b.source ? {} : { Anonymous: true }) });
    } else if (b.type === 'bind') {
      // Docker creates a missing bind source (for -v; --mount would refuse).
      if (!existsSync(b.source)) await mkdir(b.source, { recursive: true });
      mounts.push({ Type: 'bind', Source: b.source, Destination: b.destination, RW: !b.readonly });
    } else mounts.push({ Type: 'tmpfs', Source: '', Destination: b.destination, RW: !b.readonly });
  }
  for (const dest of Object.keys({ ...(image.config.Volumes ?? {}), ...(config.Volumes ?? {}) })) {
    if (mounts.some((m) => m.Destination === dest)) continue;
    const v = await d.volumes.create({}, true);
    mounts.push({ Type: 'volume', Name: v.Name, Source: v.Mountpoint, Destination: dest, RW: true, Anonymous: true });
  }
  const ic = image.config;
  const merged = {
    ...config, Image: req.Image!, Hostname: config.Hostname || id.slice(0, 12), Env: config.Env ?? ic.Env ?? [],
    Cmd: config.Cmd ?? (config.Entrypoint ? null : ic.Cmd ?? null), Entrypoint: resetEntrypoint ? null : config.Entrypoint ?? ic.Entrypoint ?? null,
    WorkingDir: config.WorkingDir || ic.WorkingDir || '', Labels: { ...(ic.Labels ?? {}), ...(config.Labels ?? {}) },
    StopSignal: config.StopSignal || ic.StopSignal || undefined, Healthcheck: config.Healthcheck ?? ic.Healthcheck ?? undefined, User: config.User || ic.User || '',
  };
  const networks = createEndpoints(d.networks, hc.NetworkMode, net?.EndpointsConfig ?? {}, id, hc.Links ?? []);
  return {
    Id: id, Name: name, Created: new Date().toISOString(), Path: args[0], Args: args.slice(1), Image: image.id, ImageName: req.Image!,
    Config: merged, HostConfig: { NetworkMode: hc.NetworkMode || 'default', ...hc, ...security }, State: initialState(), RestartCount: 0, ManuallyStopped: false,
    Networks: networks,
    Ports: {}, Mounts: mounts,
  };
}
