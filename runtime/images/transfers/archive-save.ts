// `docker save`: the legacy docker-archive layout Docker 20.10 writes, which every `docker load` accepts:
//   <v1 id>/{VERSION,json,layer.tar}  <config hex>.json  manifest.json  repositories
import type { Writable } from 'node:stream';
import * as tar from 'tar-stream';
import { sha256Digest, digestHex } from '../../content/digest.js';
import type { LayerStore } from '../../layers/layer-store.js';
import type { ImageEntry, ImageStore } from '../image-store.js';
import { NotFoundError } from '../../errdefs.js';
import {
  canonicalString, familiarName, familiarString, looksLikeImageId, parseReference, repositoryName, type ImageReference,
} from '../reference.js';

export interface SaveSelection {
  entry: ImageEntry;
  /** Canonical tag references to write into RepoTags. */
  tags: string[];
}

/**
 * Turns `docker save` names into images: a tag or ID selects one image; a bare repository name
 * (`busybox`) selects every tag of that repository, as in Docker.
 */
export function selectImages(store: ImageStore, names: string[]): SaveSelection[] {
  const byId = new Map<string, SaveSelection>();
  const add = (entry: ImageEntry, tag?: string): void => {
    const sel = byId.get(entry.id) ?? { entry, tags: [] };
    if (tag && !sel.tags.includes(tag)) sel.tags.push(tag);
    byId.set(entry.id, sel);
  };
  for (const name of names) {
    let ref: ImageReference | undefined;
    try {
      ref = parseReference(name);
    } catch {
      ref = undefined;
    }
    if (ref && ref.tag === undefined && ref.digest === undefined) {
      const repo = repositoryName(ref);
      const tagged = [...store.references.entries()].filter(([r]) => !r.includes('@') && repositoryName(parseReference(r)) === repo);
      if (tagged.length) {
        for (const [r, id] of tagged) {
          const entry = store.get(id);
          if (entry) add(entry, r);
        }
        continue;
      }
    }
    if (ref && ref.tag !== undefined && !looksLikeImageId(name)) {
      const entry = store.resolve(name);
      add(entry, canonicalString(ref));
      continue;
    }
    const entry = store.lookup(name);
    if (!entry) throw new NotFoundError(`No such image: ${name}`);
    add(entry);
  }
  return [...byId.values()];
}

/** Writes the archive to `out`. Layers shared by several images are written once. */
export async function writeDockerArchive(store: ImageStore, layers: LayerStore, selection: SaveSelection[], out: Writable): Promise<void> {
  const pack = tar.pack();
  pack.pipe(out);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('close', resolve);
    out.on('error', reject);
    pack.on('error', reject);
  });
  // A client that goes away stops the writes; without this the pending entry callbacks never fire.
  const aborted = new Promise<never>((_resolve, reject) => {
    out.on('close', () => {
      if (!out.writableFinished) {
        pack.destroy();
        reject(new Error('the client closed the connection during save'));
      }
    });
  });
  aborted.catch(() => undefined);
  const written = new Set<string>();
  const manifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const mtime = new Date(0);
  const dirEntry = (name: string): void => {
    pack.entry({ name, type: 'directory', mode: 0o755, mtime });
  };
  const fileEntry = (name: string, data: string | Buffer): Promise<void> => Promise.race([aborted, new Promise<void>((resolve, reject) => {
    pack.entry({ name, mode: 0o644, mtime }, data, (err) => (err ? reject(err) : resolve()));
  })]);

  for (const { entry, tags } of selection) {
    const layerPaths: string[] = [];
    let parentV1: string | undefined;
    for (const chainId of entry.chainIds) {
      // v1 IDs only need to be stable and unique per chain; loaders use manifest.json.
      const v1 = digestHex(sha256Digest(`${parentV1 ?? ''} ${chainId}`));
      layerPaths.push(`${v1}/layer.tar`);
      if (!written.has(v1)) {
        written.add(v1);
        const layer = layers.get(chainId);
        if (!layer) throw new NotFoundError(`layer ${chainId} of image ${entry.id} is missing`);
        dirEntry(`${v1}/`);
        await fileEntry(`${v1}/VERSION`, '1.0');
        await fileEntry(`${v1}/json`, JSON.stringify({
          id: v1,
          ...(parentV1 ? { parent: parentV1 } : {}),
          created: entry.config.created ?? mtime.toISOString(),
          container_config: { Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: null, Image: '', Volumes: null, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null },
          os: entry.config.os,
        }));
        const tarStream = await layers.openTar(chainId);
        await Promise.race([aborted, new Promise<void>((resolve, reject) => {
          const sink = pack.entry({ name: `${v1}/layer.tar`, mode: 0o644, mtime, size: layer.diffSize }, (err) => (err ? reject(err) : resolve()));
          tarStream.on('error', (err) => {
            sink.destroy(err);
            reject(err);
          });
          tarStream.pipe(sink as unknown as Writable);
        })]);
      }
      parentV1 = v1;
    }
    const configName = `${digestHex(entry.id)}.json`;
    if (!written.has(configName)) {
      written.add(configName);
      await fileEntry(configName, await store.readConfig(entry.id));
    }
    const familiarTags = tags.map((t) => familiarString(parseReference(t)));
    manifest.push({ Config: configName, RepoTags: familiarTags.length ? familiarTags : null, Layers: layerPaths });
    for (const t of tags) {
      const ref = parseReference(t);
      (repositories[familiarName(ref)] ??= {})[ref.tag as string] = parentV1 ?? '';
    }
  }
  await fileEntry('manifest.json', JSON.stringify(manifest));
  if (Object.keys(repositories).length) await fileEntry('repositories', JSON.stringify(repositories));
  pack.finalize();
  await Promise.race([aborted, done]);
}
