// `docker cp` (archive HEAD/GET/PUT) and `docker export` for the container service's containers.
import { lstat, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { InvalidError, NotFoundError } from '../errdefs.js';
import { extractTar, packPath, statPath, type PathStat } from './archive.js';
import type { ContainerService } from './container-service.js';
import { withReadView, withWriteView, type RootfsLayout, type RootfsView } from './rootfs-access.js';

/** Moby's rule: the last component is not followed unless the path ends in "/" or "/.". */
function followsLast(path: string): boolean {
  return path.endsWith('/') || path.endsWith('/.');
}

/** The name the archived path gets: its base name, or "." for "/x/." and "/". */
function archiveName(path: string): string {
  if (path.endsWith('/.') || path === '/' || path === '/.') return '.';
  return posix.basename(path.replace(/\/+$/, '')) || '.';
}

function checkPath(path: string | null | undefined): string {
  if (!path) throw new InvalidError('the "path" query parameter is required');
  if (!path.startsWith('/')) throw new InvalidError(`path "${path}" must be absolute`);
  return path;
}

export class ContainerFiles {
  constructor(private readonly containers: ContainerService) {}

  /** HEAD /containers/{id}/archive: the stat of `path`. */
  async stat(idOrName: string, rawPath: string | null): Promise<PathStat> {
    const path = checkPath(rawPath);
    const { record, layout } = this.containers.rootfsLayout(idOrName);
    return withReadView(layout, async (v) => statPath(await v.resolve(path, followsLast(path)), path, record.Name.slice(1)));
  }

  /**
   * GET /containers/{id}/archive: the stat (sent as a header before the body) and the tar stream.
   * The view stays mounted until the tar has been read to its end.
   */
  async get(idOrName: string, rawPath: string | null): Promise<{ stat: PathStat; tar: Readable }> {
    const path = checkPath(rawPath);
    const { record, layout } = this.containers.rootfsLayout(idOrName);
    let stat: PathStat | undefined;
    const tarStream = await streamFromView(layout, async (v) => {
      const host = await v.resolve(path, followsLast(path));
      stat = await statPath(host, path, record.Name.slice(1));
      return (pack) => packPath(pack, host, { name: archiveName(path), ids: record.IdMap });
    });
    return { stat: stat!, tar: tarStream };
  }

  /** PUT /containers/{id}/archive: unpacks `body` (tar, maybe gzip) into the folder `path`. */
  async put(idOrName: string, rawPath: string | null, body: Readable, noOverwriteDirNonDir: boolean): Promise<void> {
    const path = checkPath(rawPath);
    const { record, layout } = this.containers.rootfsLayout(idOrName);
    if (record.HostConfig.ReadonlyRootfs) throw new InvalidError('container rootfs is marked read-only');
    await withWriteView(layout, async (v) => {
      const dest = await v.resolve(path, true);
      // A running container's root is /proc/<pid>/root, a symlink to lstat: follow that one.
      const st = await (dest === v.root ? stat : lstat)(dest).catch(() => undefined);
      if (!st) throw new NotFoundError(`Could not find the file ${path} in container ${record.Name.slice(1)}`);
      if (!st.isDirectory()) throw new InvalidError(`extraction point is not a directory: ${path}`);
      await extractTar(body, { noOverwriteDirNonDir, destination: path, ids: record.IdMap, resolveParent: (rel) => v.resolveParent(posix.join(path, rel)) });
    });
  }

  /** GET /containers/{id}/export: the container's root filesystem (no volumes) as a tar stream. */
  async export(idOrName: string): Promise<Readable> {
    const { record, layout } = this.containers.rootfsLayout(idOrName);
    return streamFromView(layout, async (v) => (pack) => packPath(pack, v.root, { name: '', ids: record.IdMap }));
  }
}

/**
 * Mounts a read view, lets `prepare` resolve paths (its errors reject before any byte is sent), then
 * streams what its packer writes. The view stays mounted until the stream ends or the reader goes.
 */
function streamFromView(layout: RootfsLayout, prepare: (v: RootfsView) => Promise<(pack: tar.Pack) => Promise<void>>): Promise<Readable> {
  return new Promise((resolve, reject) => {
    withReadView(layout, async (v) => {
      const packer = await prepare(v);
      const pack = tar.pack();
      const out = new PassThrough();
      const closed = new Promise<void>((done) => { out.once('end', done); out.once('close', done); });
      pack.on('error', (err) => out.destroy(err));
      pack.pipe(out);
      resolve(out);
      await Promise.race([packer(pack).then(() => { pack.finalize(); }, (err: unknown) => { out.destroy(err as Error); }), closed]);
      await closed;
    }).catch(reject);
  });
}
