// Builds small (or, for the benchmark, large) container images in a DirBlobStore: gzip'd tar layers
// made with tar-stream and zlib, an image config listing their diff IDs, and a Docker v2 schema 2
// or OCI manifest.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import * as tar from 'tar-stream';
import type { DirBlobStore } from './dir-blob-store.js';

export interface LayerFile {
  name: string;
  data: Buffer;
}

export interface BuiltLayer {
  digest: string;
  size: number;
  mediaType: string;
  diffId: string;
}

export interface BuiltImage {
  manifest: Buffer;
  manifestMediaType: string;
  manifestDigest: string;
  configDigest: string;
  config: Buffer;
  layers: BuiltLayer[];
}

export type ImageFormat = 'docker' | 'oci';

const TYPES = {
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
} as const;

/** Writes one gzip'd tar layer of `files` into the store (streamed, so large layers are fine). */
export async function writeLayer(store: DirBlobStore, files: Iterable<LayerFile>, format: ImageFormat = 'docker'): Promise<BuiltLayer> {
  const pack = tar.pack();
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let size = 0;
  const tmp = join(store.dir, 'tmp', `layer-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const tapDiff = new Transform({
    transform(chunk: Buffer, _e, cb) {
      diff.update(chunk);
      cb(null, chunk);
    },
  });
  const tapBlob = new Transform({
    transform(chunk: Buffer, _e, cb) {
      blob.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const written = pipeline(pack, tapDiff, createGzip({ level: 1 }), tapBlob, createWriteStream(tmp));
  for (const f of files) {
    await new Promise<void>((resolve, reject) => {
      pack.entry({ name: f.name, size: f.data.length, mode: 0o644, mtime: new Date(0) }, f.data, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await written;
  const digest = `sha256:${blob.digest('hex')}`;
  await rename(tmp, store.path(digest));
  return { digest, size, mediaType: TYPES[format].layer, diffId: `sha256:${diff.digest('hex')}` };
}

/** Config + manifest over already written layers. */
export async function writeImage(store: DirBlobStore, layers: BuiltLayer[], format: ImageFormat = 'docker'): Promise<BuiltImage> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map(() => ({ created_by: 'berth test' })),
    }),
  );
  const configDigest = await store.put(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: TYPES[format].manifest,
      config: { mediaType: TYPES[format].config, digest: configDigest, size: config.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    }),
  );
  const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  return { manifest, manifestMediaType: TYPES[format].manifest, manifestDigest, configDigest, config, layers };
}

/** A small image: `layerCount` layers of a few text files each. */
export async function buildSmallImage(store: DirBlobStore, layerCount = 2, format: ImageFormat = 'docker', salt = ''): Promise<BuiltImage> {
  const layers: BuiltLayer[] = [];
  for (let i = 0; i < layerCount; i++) {
    layers.push(
      await writeLayer(
        store,
        [
          { name: `etc/layer-${i}.txt`, data: Buffer.from(`layer ${i} ${salt}\n`) },
          { name: `data/blob-${i}.bin`, data: Buffer.alloc(4096 * (i + 1), i) },
        ],
        format,
      ),
    );
  }
  return writeImage(store, layers, format);
}

/** Reads a stored blob back (tests compare content). */
export async function readBlob(store: DirBlobStore, digest: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of createReadStream(store.path(digest))) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
