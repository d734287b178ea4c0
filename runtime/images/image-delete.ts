// `docker rmi` semantics (moby's ImageDelete): by name it untags and deletes only the last reference;
// by ID it deletes, refusing without force when the image has several repositories or a stopped container.
// Forced deletion of an image a stopped container uses reports `Deleted` as Docker does, but keeps the
// record hidden for the container's sake (ImageRecord.deleted) until no container uses it.
import { ConflictError } from '../errdefs.js';
import type { EventLog } from '../events/event-log.js';
import type { ImageEntry, ImageStore } from './image-store.js';
import type { ImageUsage } from './image-usage.js';
import { canonicalString, familiarize, parseReference, repositoryName, shortId, withDefaultTag } from './reference.js';

export type DeleteRecord = { Untagged: string } | { Deleted: string };

export interface DeleteOptions {
  force: boolean;
  noprune: boolean;
}

export class ImageDeleter {
  constructor(
    private readonly store: ImageStore,
    private readonly events: EventLog,
    private readonly usage: () => ImageUsage,
  ) {}

  async remove(name: string, opts: DeleteOptions): Promise<{ records: DeleteRecord[]; reclaimed: number }> {
    const entry = this.store.resolve(name);
    const namedRef = this.refNamedBy(name, entry.id);
    return namedRef ? this.removeByName(entry, namedRef, name, opts) : this.removeById(entry, opts);
  }

  /** The canonical reference `name` denotes, when it is a reference to this image (not an ID). */
  private refNamedBy(name: string, id: string): string | undefined {
    try {
      const ref = canonicalString(withDefaultTag(parseReference(name)));
      return this.store.references.get(ref) === id ? ref : undefined;
    } catch {
      return undefined;
    }
  }

  private async removeByName(entry: ImageEntry, ref: string, name: string, opts: DeleteOptions) {
    const refs = this.store.refsOf(entry.id);
    const user = this.usage().isImageInUse(entry.id);
    if (refs.length === 1 && user && !opts.force) {
      throw new ConflictError(`conflict: unable to remove repository reference "${name}" (must force) - container ${shortId(user.id)} is using its referenced image ${shortId(entry.id)}`);
    }
    const records: DeleteRecord[] = [await this.untag(entry.id, ref)];
    // Digest references of the same repository go with the last tag, as in Docker.
    const remaining = this.store.refsOf(entry.id);
    const repo = repositoryName(parseReference(ref));
    if (remaining.every((r) => r.includes('@') && repositoryName(parseReference(r)) === repo)) {
      for (const r of remaining) records.push(await this.untag(entry.id, r));
    } else return { records, reclaimed: 0 };
    // A running container (or no force) leaves the image dangling, as in Docker.
    if (user?.running || (user && !opts.force)) return { records, reclaimed: 0 };
    if (user) {
      await this.deleteUnderContainer(entry, records);
      return { records, reclaimed: 0 };
    }
    const reclaimed = await this.deleteWithParents(entry, opts.noprune, records);
    return { records, reclaimed };
  }

  private async removeById(entry: ImageEntry, opts: DeleteOptions) {
    const short = shortId(entry.id);
    const user = this.usage().isImageInUse(entry.id);
    if (user?.running) {
      throw new ConflictError(`conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${shortId(user.id)}`);
    }
    if (user && !opts.force) {
      throw new ConflictError(`conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${shortId(user.id)}`);
    }
    if (this.store.childrenOf(entry.id).length > 0) {
      throw new ConflictError(`conflict: unable to delete ${short} (cannot be forced) - image has dependent child images`);
    }
    const refs = this.store.refsOf(entry.id);
    const repos = new Set(refs.map((r) => repositoryName(parseReference(r))));
    if (repos.size > 1 && !opts.force) {
      throw new ConflictError(`conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
    }
    const records: DeleteRecord[] = [];
    for (const r of refs) records.push(await this.untag(entry.id, r));
    if (user) {
      await this.deleteUnderContainer(entry, records);
      return { records, reclaimed: 0 };
    }
    const reclaimed = await this.deleteWithParents(entry, opts.noprune, records);
    return { records, reclaimed };
  }

  /** Deleted for the user; kept on disk for the stopped container that still runs on its layers. */
  private async deleteUnderContainer(entry: ImageEntry, records: DeleteRecord[]): Promise<void> {
    await this.store.markDeleted(entry.id);
    records.push({ Deleted: entry.id });
    this.events.emit('image', 'delete', entry.id, { name: entry.id });
  }

  private async untag(id: string, ref: string): Promise<DeleteRecord> {
    await this.store.references.update((m) => m.delete(ref));
    this.events.emit('image', 'untag', id, { name: id });
    return { Untagged: familiarize(ref) };
  }

  /** Deletes the image, then (unless noprune) each untagged, unused parent that has no other child. */
  private async deleteWithParents(entry: ImageEntry, noprune: boolean, records: DeleteRecord[]): Promise<number> {
    let reclaimed = 0;
    let current: ImageEntry | undefined = entry;
    while (current) {
      const parentId: string | undefined = current.record.parent;
      reclaimed += await this.store.delete(current.id);
      records.push({ Deleted: current.id });
      this.events.emit('image', 'delete', current.id, { name: current.id });
      if (noprune || !parentId) break;
      const parent = this.store.get(parentId);
      if (!parent || this.store.refsOf(parent.id).length > 0 || this.store.childrenOf(parent.id).length > 0) break;
      if (this.usage().isImageInUse(parent.id)) break;
      current = parent;
    }
    return reclaimed;
  }
}
