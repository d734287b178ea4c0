// `docker import`: a root filesystem tar (plain or gzip) becomes a one-layer image.
import type { Readable } from 'node:stream';
import { InvalidError } from '../../errdefs.js';
import type { LayerStore } from '../../layers/layer-store.js';
import { applyConfigChanges } from '../config-changes.js';
import type { ImageConfig } from '../image-config.js';
import type { ImageService } from '../image-service.js';
import type { ImageEntry } from '../image-store.js';
import { canonicalString, parseRepositoryReference, withDefaultTag } from '../reference.js';

export interface ImportOptions {
  repo?: string;
  tag?: string;
  changes: string[];
  message?: string;
  platform?: { os: string; architecture: string; variant?: string };
}

export async function importRootfs(images: ImageService, layers: LayerStore, body: Readable, opts: ImportOptions): Promise<ImageEntry> {
  // Check the name before reading a possibly large body.
  const ref = opts.repo ? withDefaultTag(parseRepositoryReference(opts.tag ? `${opts.repo}:${opts.tag}` : opts.repo)) : undefined;
  const baseConfig = applyConfigChanges({}, opts.changes);
  return images.store.track(async () => {
    const layer = await layers.create(body);
    const now = new Date().toISOString();
    const config: ImageConfig = {
      architecture: opts.platform?.architecture ?? 'amd64',
      os: opts.platform?.os ?? 'linux',
      ...(opts.platform?.variant ? { variant: opts.platform.variant } : {}),
      created: now,
      config: baseConfig,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created: now, created_by: '', comment: opts.message || 'Imported from -' }],
    };
    if (!config.rootfs.diff_ids.length) throw new InvalidError('import produced no layer');
    const entry = await images.store.add(Buffer.from(JSON.stringify(config)));
    images.events.emit('image', 'import', entry.id, { name: entry.id, ...images.labels(entry) });
    if (ref) await images.addTag(entry, canonicalString(ref));
    return entry;
  });
}
