// Moving images in and out of the store: load, save, import, pull, push. Emits their events.
import type { ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ProgressStream } from '../../progress/json-message.js';
import type { BlobStore } from '../../content/blob-store.js';
import type { TempSpace } from '../../fs/temp-dir.js';
import type { LayerStore } from '../../layers/layer-store.js';
import type { RegistryNetwork } from '../../registry/registry-network.js';
import type { ImageService } from '../image-service.js';
import type { ImageEntry } from '../image-store.js';
import { extractArchive } from './archive-extract.js';
import { loadArchiveImage, readArchiveImages } from './archive-load.js';
import { selectImages, writeDockerArchive } from './archive-save.js';
import { verifyImageBlobs } from './damaged-image.js';
import { familiarString, parseReference } from '../reference.js';
import { importRootfs, type ImportOptions } from './image-import.js';
import { pullToStore, type PullRequest } from './image-pull.js';
import { pushFromStore, type PushRequest } from './image-push.js';

export class ImageTransfers {
  constructor(
    private readonly images: ImageService,
    private readonly blobs: BlobStore,
    private readonly layers: LayerStore,
    private readonly temp: TempSpace,
    private readonly registries?: RegistryNetwork,
  ) {}

  importRootfs(body: Readable, opts: ImportOptions): Promise<ImageEntry> {
    return importRootfs(this.images, this.layers, body, opts);
  }

  /**
   * Reads the whole archive first (manifest.json usually comes last), so a malformed archive is an
   * HTTP error; then streams one progress message per layer and one `Loaded image` line per tag.
   */
  async load(body: Readable, out: ProgressStream, opts: { quiet: boolean }): Promise<void> {
    const dir = await this.temp.makeDir('load');
    let failure: unknown;
    try {
      await this.images.store.track(async () => {
        const archive = await extractArchive(body, dir);
        const list = await readArchiveImages(archive);
        for (const image of list) {
          const { entry, loaded } = await loadArchiveImage(this.images, this.layers, archive, image, (m) => {
            if (!opts.quiet || m.stream) out.write(m);
          });
          if (loaded.length) for (const name of loaded) out.write({ stream: `Loaded image: ${name}\n` });
          else out.write({ stream: `Loaded image ID: ${entry.id}\n` });
        }
      });
    } catch (err) {
      failure = err;
      if (!body.readableEnded) body.resume();
    }
    // Clean up before answering, so a client never sees leftovers of a finished request.
    await rm(dir, { recursive: true, force: true });
    if (failure === undefined) out.end();
    else out.fail(failure);
  }

  async save(names: string[], res: ServerResponse): Promise<void> {
    const selection = selectImages(this.images.store, names);
    // Every blob is checked before the answer starts, so a damaged one is an error the CLI prints
    // (once the archive streams, a failure can only cut the connection).
    for (const { entry, tags } of selection) {
      await verifyImageBlobs(this.blobs, this.layers, entry, tags[0] ? familiarString(parseReference(tags[0])) : entry.id);
    }
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    for (const { entry } of selection) this.images.events.emit('image', 'save', entry.id, { name: entry.id, ...this.images.labels(entry) });
    try {
      await writeDockerArchive(this.images.store, this.layers, selection, res);
    } catch {
      // Headers are out: the only way to signal failure is a cut connection, which `docker load` reports.
      res.destroy();
    }
  }

  async pull(req: PullRequest, out: ProgressStream): Promise<void> {
    try {
      await pullToStore(this.images, this.blobs, this.layers, { network: this.registries, ...req }, out);
      out.end();
    } catch (err) {
      out.fail(err);
    }
  }

  async push(req: PushRequest, out: ProgressStream): Promise<void> {
    try {
      await pushFromStore(this.images, this.blobs, this.layers, { network: this.registries, ...req }, out);
      out.end();
    } catch (err) {
      out.fail(err);
    }
  }
}
