// `docker commit`: a container's writable layer (its overlay upper directory) becomes a new image on
// top of the container's image, with the container's config plus `--change` instructions, recorded
// the way Docker Engine 20.10 records it (parent, container, container_config, one history entry
// whose created_by is the container's command).
import { ConflictError, InvalidError } from '../errdefs.js';
import { upperDirTar } from '../builder/fs/upper-tar.js';
import { applyConfigChanges } from '../images/config-changes.js';
import type { ContainerConfig as ImageContainerConfig, HistoryEntry, ImageConfig } from '../images/image-config.js';
import type { ImageService } from '../images/image-service.js';
import type { ImageEntry } from '../images/image-store.js';
import { canonicalString, parseRepositoryReference, withDefaultTag } from '../images/reference.js';
import type { LayerStore } from '../layers/layer-store.js';
import type { ContainerConfig } from './api-types.js';
import type { ContainerService } from './container-service.js';

/** sha256 of a tar with no entries: a container that changed nothing adds no layer. */
const EMPTY_LAYER_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

/**
 * Files the runtime creates in the upper directory as mount points for its bind mounts (Docker keeps
 * them in an init layer that commit never sees). Only empty regular files are left out: what the
 * container itself wrote there went to the bind mount's source, not to the upper directory.
 */
const MOUNT_POINT_FILES = new Set(['etc/hostname', 'etc/hosts', 'etc/resolv.conf', '.dockerenv']);

export interface CommitOptions {
  container: string;
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  /** Pause a running container while its layer is read (Docker's default). */
  pause: boolean;
  /** Dockerfile instructions applied to the config (`docker commit --change`). */
  changes: string[];
  /** A container config from the request body, merged over the container's own. */
  config?: Record<string, unknown>;
}

export interface CommitDeps {
  containers: ContainerService;
  images: ImageService;
  layers: LayerStore;
  engineVersion: string;
  /** A rootless daemon has no freezer: its containers are read while running. */
  rootless: boolean;
  /** Where overlayfs keeps opaque marks in upper directories (the snapshotter's markXattrs). */
  marks: 'trusted' | 'user';
  publish(action: string, id: string, attrs: Record<string, string>): void;
}

export class ContainerCommitter {
  constructor(private readonly d: CommitDeps) {}

  async commit(o: CommitOptions): Promise<{ Id: string }> {
    if (o.tag && !o.repo) throw new InvalidError(`invalid reference: tag "${o.tag}" given without a repository`);
    // Check the name and the changes before any work.
    const ref = o.repo ? withDefaultTag(parseRepositoryReference(o.tag ? `${o.repo}:${o.tag}` : o.repo)) : undefined;
    const r = this.d.containers.get(o.container);
    if (r.State.Status === 'removing' || r.State.Status === 'dead') throw new ConflictError(`You cannot commit container ${r.Id.slice(0, 12)} which is ${r.State.Status}`);
    const base = { ...(r.Config as ImageContainerConfig), ...((o.config ?? {}) as ImageContainerConfig) };
    const config = applyConfigChanges(base, o.changes);
    const parent = this.d.images.store.get(r.Image) ?? this.d.images.store.getDeleted(r.Image);
    if (!parent) throw new ConflictError(`the image of container ${r.Id.slice(0, 12)} (${r.Image}) is gone`);
    // Rootless containers cannot be frozen (no cgroup): they are read while running, as with pause=false.
    const pause = o.pause && r.State.Status === 'running' && !this.d.rootless;
    if (pause) await this.d.containers.pause(r.Id);
    let entry: ImageEntry;
    try {
      entry = await this.d.images.store.track(async () => {
        const upper = this.d.containers.paths(r.Id).upper;
        const tar = upperDirTar(upper, this.d.marks, (name, h) => MOUNT_POINT_FILES.has(name) && h.type === 'file' && !h.size);
        const top = parent.chainIds[parent.chainIds.length - 1];
        const layer = await this.d.layers.create(tar, top ? { parent: top } : {});
        const diffIds = layer.diffId === EMPTY_LAYER_DIFF_ID ? parent.config.rootfs.diff_ids : [...parent.config.rootfs.diff_ids, layer.diffId];
        return this.d.images.store.add(Buffer.from(JSON.stringify(this.imageConfig(parent, r.Id, r.Path, r.Args, r.Config, config, diffIds.length === parent.config.rootfs.diff_ids.length, diffIds, o))), { parent: parent.id });
      });
    } finally {
      if (pause) await this.d.containers.unpause(r.Id).catch(() => undefined);
    }
    if (ref) await this.d.images.addTag(entry, canonicalString(ref));
    this.d.publish('commit', r.Id, {
      comment: o.comment ?? '', imageID: entry.id, imageRef: ref ? canonicalString(ref) : '', name: r.Name.slice(1), image: r.ImageName,
    });
    return { Id: entry.id };
  }

  private imageConfig(parent: ImageEntry, id: string, path: string, args: string[], containerConfig: ContainerConfig, config: ImageContainerConfig,
    emptyLayer: boolean, diffIds: string[], o: CommitOptions): ImageConfig {
    const created = new Date().toISOString();
    const history: HistoryEntry = {
      created,
      ...(o.author ? { author: o.author } : {}),
      created_by: [path, ...args].join(' '),
      ...(o.comment ? { comment: o.comment } : {}),
      ...(emptyLayer ? { empty_layer: true } : {}),
    };
    return {
      architecture: parent.config.architecture,
      ...(o.author ? { author: o.author } : {}),
      ...(o.comment ? { comment: o.comment } : {}),
      config,
      container: id,
      container_config: containerConfig as ImageContainerConfig,
      created,
      docker_version: this.d.engineVersion,
      history: [...(parent.config.history ?? []), history],
      os: parent.config.os,
      rootfs: { type: 'layers', diff_ids: diffIds },
      ...(parent.config.variant ? { variant: parent.config.variant } : {}),
    };
  }
}
