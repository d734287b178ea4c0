// The JSON shapes of images in the Engine API (image list, inspect, history).
import { createdSeconds, type HistoryEntry } from './image-config.js';
import type { ImageEntry, ImageStore } from './image-store.js';
import { familiarName, familiarize, parseReference } from './reference.js';

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;
  Size: number;
  VirtualSize: number;
  SharedSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

export function repoTags(store: ImageStore, id: string): string[] {
  return store.refsOf(id).filter((r) => !r.includes('@')).map(familiarize);
}

export function repoDigests(store: ImageStore, entry: ImageEntry): string[] {
  const out = new Set<string>();
  for (const m of entry.record.manifests) out.add(`${familiarName(parseReference(m.repository))}@${m.repoDigest ?? m.digest}`);
  for (const r of store.refsOf(entry.id)) if (r.includes('@')) out.add(familiarize(r));
  return [...out];
}

export function imageSummary(store: ImageStore, entry: ImageEntry, containers = -1): ImageSummary {
  return {
    Id: entry.id,
    ParentId: entry.record.parent ?? '',
    RepoTags: repoTags(store, entry.id),
    RepoDigests: repoDigests(store, entry),
    Created: createdSeconds(entry.config),
    Size: entry.size,
    VirtualSize: entry.size,
    SharedSize: -1,
    Labels: entry.config.config?.Labels ?? null,
    Containers: containers,
  };
}

export function imageInspect(store: ImageStore, entry: ImageEntry): Record<string, unknown> {
  const c = entry.config;
  const dirs = store.layers.lowerDirs(entry.chainIds[entry.chainIds.length - 1]);
  return {
    Id: entry.id,
    RepoTags: repoTags(store, entry.id),
    RepoDigests: repoDigests(store, entry),
    Parent: entry.record.parent ?? '',
    Comment: c.comment ?? lastHistoryComment(entry),
    Created: c.created ?? new Date(0).toISOString(),
    Container: c.container ?? '',
    ContainerConfig: c.container_config ?? emptyContainerConfig(),
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: { ...emptyContainerConfig(), ...(c.config ?? {}) },
    Architecture: c.architecture,
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os,
    Size: entry.size,
    VirtualSize: entry.size,
    GraphDriver: { Name: 'overlay', Data: dirs.length ? { LowerDir: dirs.join(':') } : null },
    RootFS: { Type: 'layers', Layers: [...c.rootfs.diff_ids] },
    Metadata: { LastTagTime: entry.record.lastTagTime ?? '0001-01-01T00:00:00Z' },
  };
}

function lastHistoryComment(entry: ImageEntry): string {
  const h = entry.config.history;
  return h && h.length ? (h[h.length - 1].comment ?? '') : '';
}

function emptyContainerConfig(): Record<string, unknown> {
  return {
    Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: null, Image: '', Volumes: null,
    WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null,
  };
}

export interface HistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** Newest first, like `docker history`. Entries that start a known image carry its ID and tags. */
export function imageHistory(store: ImageStore, entry: ImageEntry): HistoryItem[] {
  const c = entry.config;
  const history: HistoryEntry[] = c.history && c.history.length
    ? c.history
    : c.rootfs.diff_ids.map(() => ({ created: c.created, created_by: '', comment: '' }));
  // Which history index ends which image of the parent chain.
  const owners = new Map<number, ImageEntry>();
  for (let e: ImageEntry | undefined = entry; e; e = e.record.parent ? store.get(e.record.parent) : undefined) {
    const n = e.config.history?.length ?? e.config.rootfs.diff_ids.length;
    if (n > 0 && !owners.has(n - 1)) owners.set(n - 1, e);
  }
  let layer = 0;
  const items: HistoryItem[] = history.map((h, i) => {
    let size = 0;
    if (!h.empty_layer) {
      const chainId = entry.chainIds[layer++];
      size = chainId ? store.layers.get(chainId)?.size ?? 0 : 0;
    }
    const owner = owners.get(i);
    const tags = owner ? repoTags(store, owner.id) : [];
    const ms = h.created ? Date.parse(h.created) : NaN;
    return {
      Id: owner ? owner.id : '<missing>',
      Created: Number.isNaN(ms) ? 0 : Math.floor(ms / 1000),
      CreatedBy: h.created_by ?? '',
      Tags: tags.length ? tags : null,
      Size: size,
      Comment: h.comment ?? '',
    };
  });
  return items.reverse();
}
