// What the image routes call: list, inspect, history, tag, remove, prune. Emits Docker's image events.
import type { Filters } from '../filters.js';
import type { EventLog } from '../events/event-log.js';
import { ImageDeleter, type DeleteOptions, type DeleteRecord } from './image-delete.js';
import { imageFilter, isDangling, LIST_FILTERS, PRUNE_FILTERS } from './image-filters.js';
import type { ImageEntry, ImageStore } from './image-store.js';
import { NO_CONTAINERS, type ImageUsage } from './image-usage.js';
import { imageHistory, imageInspect, imageSummary, type HistoryItem, type ImageSummary } from './image-views.js';
import { canonicalString, familiarString, parseRepositoryReference, withDefaultTag } from './reference.js';
import { createdSeconds } from './image-config.js';

export class ImageService {
  private usage: ImageUsage = NO_CONTAINERS;
  private readonly deleter: ImageDeleter;

  constructor(readonly store: ImageStore, readonly events: EventLog) {
    this.deleter = new ImageDeleter(store, events, () => this.usage);
  }

  /** Called once by the containers service, so images in use are protected. */
  setImageUsage(usage: ImageUsage): void {
    this.usage = usage;
  }

  get imageUsage(): ImageUsage {
    return this.usage;
  }

  list(opts: { all: boolean; filters: Filters }): ImageSummary[] {
    const match = imageFilter(this.store, opts.filters, LIST_FILTERS);
    const entries = this.store.list();
    // Without `all`, intermediate images (untagged parents of other images) are hidden, as in Docker, and
    // so are untagged build-step images a failed or multi-stage build left (the step cache keeps them).
    const parents = opts.all ? new Set<string>() : new Set(entries.map((e) => e.record.parent).filter(Boolean) as string[]);
    const out: ImageSummary[] = [];
    for (const e of entries) {
      if (!opts.all && (parents.has(e.id) || e.record.buildStep) && isDangling(this.store, e)) continue;
      if (!match(e)) continue;
      out.push(imageSummary(this.store, e, this.usage.containerCount?.(e.id) ?? -1));
    }
    return out.sort((a, b) => b.Created - a.Created);
  }

  /** For containers: like store.resolve, but a container's image `rmi -f` deleted is still found by its ID. */
  resolve(name: string): ImageEntry {
    try {
      return this.store.resolve(name);
    } catch (err) {
      const kept = this.store.getDeleted(name);
      if (kept) return kept;
      throw err;
    }
  }

  inspect(name: string): Record<string, unknown> {
    return imageInspect(this.store, this.store.resolve(name));
  }

  history(name: string): HistoryItem[] {
    return imageHistory(this.store, this.store.resolve(name));
  }

  /** `docker tag SOURCE repo:tag`; `repo` may come in canonical or familiar form. */
  async tag(source: string, repo: string, tag: string | undefined): Promise<string> {
    const entry = this.store.resolve(source);
    const ref = withDefaultTag(parseRepositoryReference(tag ? `${repo}:${tag}` : repo));
    await this.addTag(entry, canonicalString(ref));
    return familiarString(ref);
  }

  /** Points a canonical reference at an image (moving it if it pointed elsewhere) and emits `tag`. */
  async addTag(entry: ImageEntry, canonicalRef: string): Promise<void> {
    await this.store.references.update((m) => m.set(canonicalRef, entry.id));
    await this.store.saveRecord({ ...entry.record, lastTagTime: new Date().toISOString() });
    this.events.emit('image', 'tag', entry.id, { name: familiarString(withDefaultTag(parseRepositoryReference(canonicalRef))), ...this.labels(entry) });
  }

  async remove(name: string, opts: DeleteOptions): Promise<DeleteRecord[]> {
    const { records } = await this.deleter.remove(name, opts);
    await this.sweepDeleted();
    return records;
  }

  /** Images `rmi -f` deleted under a stopped container go for good once no container uses them. */
  private sweepDeleted(): Promise<number> {
    return this.store.sweepDeleted((id) => this.usage.isImageInUse(id) !== undefined);
  }

  async prune(filters: Filters): Promise<{ ImagesDeleted: DeleteRecord[] | null; SpaceReclaimed: number }> {
    const danglingOnly = (filters.get('dangling') ?? ['true']).every((v) => v === 'true' || v === '1');
    const rest = new Map(filters);
    rest.delete('dangling');
    const match = imageFilter(this.store, rest, PRUNE_FILTERS);
    const deleted: DeleteRecord[] = [];
    let reclaimed = 0;
    // Children before parents, so parent chains go in one prune.
    let progress = true;
    while (progress) {
      progress = false;
      const candidates = this.store.list()
        .filter((e) => (!danglingOnly || isDangling(this.store, e)) && match(e))
        .filter((e) => !this.usage.isImageInUse(e.id) && this.store.childrenOf(e.id).length === 0)
        .sort((a, b) => createdSeconds(b.config) - createdSeconds(a.config));
      for (const e of candidates) {
        if (!this.store.get(e.id)) continue;
        const result = await this.deleter.remove(e.id, { force: true, noprune: false });
        deleted.push(...result.records);
        reclaimed += result.reclaimed;
        progress = true;
      }
    }
    reclaimed += await this.sweepDeleted();
    return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  labels(entry: ImageEntry): Record<string, string> {
    return { ...(entry.config.config?.Labels ?? {}) };
  }
}
