// Upload: local files and folders into a container's folder, as one tar streamed through
// PUT /containers/{id}/archive (running or stopped). Modes are kept, owners become root's (as
// `docker cp` does without -a), symlinks stay links; sockets, pipes and devices are skipped and named.
// Nothing is read into memory whole. No VS Code imports.
import type Dockerode from 'dockerode';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tar from 'tar-stream';
import { archiveError, ContainerFileError, statPath } from './container-archive.js';

export interface UploadResult {
  files: number;
  folders: number;
  bytes: number;
  /** Local paths that are neither files, folders nor links. */
  skipped: string[];
}

/** Packs `localPaths` (each under its own base name) into `pack`, then finalizes it. */
export async function packLocalPaths(pack: tar.Pack, localPaths: readonly string[]): Promise<UploadResult> {
  const result: UploadResult = { files: 0, folders: 0, bytes: 0, skipped: [] };
  const add = async (local: string, name: string): Promise<void> => {
    const st = await lstat(local);
    const common = { name, mode: st.mode & 0o7777, uid: 0, gid: 0, mtime: st.mtime };
    if (st.isDirectory()) {
      await entry(pack, { ...common, type: 'directory' });
      result.folders++;
      for (const child of (await readdir(local)).sort()) await add(join(local, child), `${name}/${child}`);
    } else if (st.isSymbolicLink()) {
      await entry(pack, { ...common, type: 'symlink', linkname: await readlink(local) });
      result.files++;
    } else if (st.isFile()) {
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...common, type: 'file', size: st.size }, (err) => (err ? reject(err) : resolve()));
        const source = createReadStream(local);
        source.on('error', (err) => {
          sink.destroy(err);
          reject(err);
        });
        source.pipe(sink);
      });
      result.files++;
      result.bytes += st.size;
    } else {
      result.skipped.push(local);
    }
  };
  for (const p of localPaths) await add(p, basename(p));
  pack.finalize();
  return result;
}

function entry(pack: tar.Pack, header: Partial<tar.Header> & { name: string }): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (err) => (err ? reject(err) : resolve())));
}

/** Uploads into the container folder `dir`; a folder never replaces a file there, or the other way round. */
export async function uploadToContainer(docker: Dockerode, id: string, dir: string, localPaths: readonly string[]): Promise<UploadResult> {
  const target = await statPath(docker, id, dir);
  if (target.kind !== 'directory' && target.kind !== 'symlink') throw new ContainerFileError(`${dir} is not a folder.`, 'Unavailable');
  const pack = tar.pack();
  let packError: Error | undefined;
  const packing = packLocalPaths(pack, localPaths).catch((err: unknown) => {
    packError = err as Error;
    pack.destroy(packError);
    return undefined;
  });
  try {
    await docker.getContainer(id).putArchive(pack as unknown as NodeJS.ReadableStream, { path: dir, noOverwriteDirNonDir: true });
  } catch (err) {
    // A local read error destroys the pack and so fails the request: report that one. Otherwise the
    // engine refused; the packer, maybe waiting on a reader that is gone, is stopped.
    if (!packError) pack.destroy();
    if (packError) throw new ContainerFileError(`Could not read ${localPaths.length === 1 ? localPaths[0] : 'the files'} to upload: ${packError.message}`, 'Unavailable');
    const text = String((err as { json?: { message?: string } }).json?.message ?? (err as Error).message);
    if (/cannot overwrite/i.test(text)) throw new ContainerFileError(`Not uploaded: ${text} (a folder never replaces a file, or a file a folder).`, 'Exists');
    throw archiveError(err, dir, 'upload');
  }
  const result = await packing;
  if (!result) throw new ContainerFileError(`Could not read the files to upload: ${packError?.message ?? 'unknown error'}`, 'Unavailable');
  return result;
}
