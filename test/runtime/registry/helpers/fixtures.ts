// Shared set-up for the registry unit tests: temp stores, publishing a built image to the fake
// registry, and a progress recorder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressMessage } from '../../../../runtime/registry/transfer-types.js';
import { DirBlobStore } from './dir-blob-store.js';
import type { FakeRegistry } from './fake-registry.js';
import { readBlob, type BuiltImage } from './image-builder.js';

export async function tempStore(prefix = 'berth-registry-'): Promise<{ store: DirBlobStore; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { store: await DirBlobStore.create(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies an image built in `store` into the fake registry under repo:tag; returns the manifest digest. */
export async function publish(fake: FakeRegistry, store: DirBlobStore, repo: string, tag: string | undefined, image: BuiltImage): Promise<string> {
  fake.blobs.set(image.configDigest, image.config);
  for (const l of image.layers) fake.blobs.set(l.digest, await readBlob(store, l.digest));
  return fake.addManifest(repo, tag, image.manifest, image.manifestMediaType);
}

export class ProgressLog {
  readonly messages: ProgressMessage[] = [];
  readonly sink = (m: ProgressMessage): void => {
    this.messages.push(m);
  };

  statuses(id?: string): string[] {
    return this.messages.filter((m) => id === undefined || m.id === id).map((m) => m.status ?? '');
  }

  /** Status lines without the repeated `Downloading`/`Pushing` updates. */
  steps(id: string): string[] {
    return this.statuses(id).filter((s, i, all) => !(s === all[i - 1] && (s === 'Downloading' || s === 'Pushing')));
  }
}

export const amd64 = { os: 'linux', architecture: 'amd64' };
