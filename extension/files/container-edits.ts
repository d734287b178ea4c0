// Changing a container's files beyond saving one: a new folder (an archive entry through PUT /archive,
// running or stopped), and deleting or renaming (`rm` and `mv` run as root through exec, the way the
// archive API itself writes, so only while the container runs: the archive API has no verb for either).
// Every failure is a ContainerFileError saying what to do. No VS Code imports.
import type Dockerode from 'dockerode';
import { posix } from 'node:path';
import * as tar from 'tar-stream';
import { archiveError, ContainerFileError, statPath, type FileAction, type PathStat } from './container-archive.js';
import { execIn } from './container-exec.js';

/** The stat, or undefined when nothing is there (other problems are thrown). */
async function statOrNothing(docker: Dockerode, id: string, path: string): Promise<PathStat | undefined> {
  try {
    return await statPath(docker, id, path);
  } catch (err) {
    if (err instanceof ContainerFileError && err.code === 'NotFound' && !/container is gone/.test(err.message)) return undefined;
    throw err;
  }
}

function parentOf(path: string): { dir: string; base: string } {
  const norm = posix.normalize(path).replace(/\/+$/, '') || '/';
  return { dir: posix.dirname(norm), base: posix.basename(norm) };
}

/** Creates the folder `path` (mode 0755, root's); its parent must exist and the name be free. */
export async function makeContainerDir(docker: Dockerode, id: string, path: string): Promise<void> {
  const { dir, base } = parentOf(path);
  if (!base) throw new ContainerFileError('The root folder always exists.', 'Exists');
  if (await statOrNothing(docker, id, path)) throw new ContainerFileError(`${path} already exists in the container.`, 'Exists');
  const parent = await statOrNothing(docker, id, dir);
  if (!parent) throw new ContainerFileError(`The folder ${dir} does not exist (any more) in the container.`, 'NotFound');
  if (parent.kind !== 'directory' && parent.kind !== 'symlink') throw new ContainerFileError(`${dir} is not a folder.`, 'Unavailable');
  const pack = tar.pack();
  pack.entry({ name: base, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: new Date() });
  pack.finalize();
  try {
    await docker.getContainer(id).putArchive(pack as unknown as NodeJS.ReadableStream, { path: dir, noOverwriteDirNonDir: true });
  } catch (err) {
    throw archiveError(err, path, 'create');
  }
}

/** Deletes `path`: a file or link, an empty folder, or (recursive) a folder and everything in it. */
export async function removeContainerPath(docker: Dockerode, id: string, path: string, recursive: boolean): Promise<void> {
  const norm = posix.normalize(path).replace(/\/+$/, '') || '/';
  if (norm === '/') throw new ContainerFileError('Berth does not delete the root folder of a container.', 'NoPermissions');
  const st = await statOrNothing(docker, id, norm);
  if (!st) throw new ContainerFileError(`${norm} does not exist (any more) in the container.`, 'NotFound');
  await mustRun(docker, id, norm, 'delete');
  const cmd = st.kind !== 'directory' ? ['rm', '-f', '--', norm] : recursive ? ['rm', '-rf', '--', norm] : ['rmdir', '--', norm];
  await runOrExplain(docker, id, cmd, norm, 'delete');
}

/** Renames (moves) `from` to `to`; an existing `to` is replaced only with `overwrite`. */
export async function renameContainerPath(docker: Dockerode, id: string, from: string, to: string, overwrite: boolean): Promise<void> {
  const src = posix.normalize(from).replace(/\/+$/, '') || '/';
  const dest = posix.normalize(to).replace(/\/+$/, '') || '/';
  if (src === '/' || dest === '/') throw new ContainerFileError('Berth does not move the root folder of a container.', 'NoPermissions');
  if (src === dest) return;
  if (dest.startsWith(`${src}/`)) throw new ContainerFileError(`${src} cannot be moved into itself (${dest}).`, 'Unavailable');
  if (!(await statOrNothing(docker, id, src))) throw new ContainerFileError(`${src} does not exist (any more) in the container.`, 'NotFound');
  const existing = await statOrNothing(docker, id, dest);
  if (existing && !overwrite) throw new ContainerFileError(`${dest} already exists in the container.`, 'Exists');
  const parent = await statOrNothing(docker, id, parentOf(dest).dir);
  if (!parent) throw new ContainerFileError(`The folder ${parentOf(dest).dir} does not exist in the container.`, 'NotFound');
  await mustRun(docker, id, src, 'rename');
  // `mv a b` with b an existing folder moves a *into* b; replacing means removing b first.
  if (existing) await runOrExplain(docker, id, ['rm', '-rf', '--', dest], dest, 'rename');
  await runOrExplain(docker, id, ['mv', '--', src, dest], src, 'rename');
}

/** Deleting and renaming go through exec: a stopped (or paused) container is refused with the reason. */
async function mustRun(docker: Dockerode, id: string, path: string, action: FileAction): Promise<void> {
  let state: { Running?: boolean; Paused?: boolean };
  let name: string;
  try {
    const info = await docker.getContainer(id).inspect();
    state = info.State;
    name = info.Name.replace(/^\//, '');
  } catch (err) {
    throw archiveError(err, path, action);
  }
  const verb = action === 'delete' ? 'deletes' : 'renames';
  if (!state.Running) throw new ContainerFileError(`${name} is not running: Berth ${verb} files with ${action === 'delete' ? 'rm' : 'mv'} inside the container, so start it first (saving and uploading work while it is stopped).`, 'Stopped');
  if (state.Paused) throw new ContainerFileError(`${name} is paused: unpause it to ${action} ${path}.`, 'Stopped');
}

async function runOrExplain(docker: Dockerode, id: string, cmd: string[], path: string, action: FileAction): Promise<void> {
  let result;
  try {
    result = await execIn(docker, id, cmd, '0');
  } catch (err) {
    throw execProblem(String((err as { json?: { message?: string } }).json?.message ?? (err as Error).message), cmd[0], path, action);
  }
  if (result.exitCode === 0) return;
  throw execProblem(result.stderr || `${cmd[0]} exited with code ${result.exitCode}`, cmd[0], path, action, result.exitCode);
}

/** What `rm`/`mv` said, as a problem the user can act on. */
export function execProblem(text: string, program: string, path: string, action: FileAction, exitCode?: number): ContainerFileError {
  if (exitCode === 126 || exitCode === 127 || /executable file not found|no such file or directory: unknown|exec format error/i.test(text)) {
    return new ContainerFileError(`The container has no working \`${program}\` (an image without a shell's tools), so Berth cannot ${action} ${path} there: ${text}`, 'Unavailable');
  }
  if (/read-only file system/i.test(text)) return new ContainerFileError(`${path} is on a read-only file system (a --read-only container, or a read-only mount); it cannot be ${action === 'delete' ? 'deleted' : 'renamed'}.`, 'NoPermissions');
  if (/permission denied|operation not permitted/i.test(text)) return new ContainerFileError(`Permission denied: ${path} cannot be ${action === 'delete' ? 'deleted' : 'renamed'} (${text}).`, 'NoPermissions');
  if (/directory not empty/i.test(text)) return new ContainerFileError(`${path} is a folder that is not empty.`, 'Unavailable');
  if (/resource busy/i.test(text)) return new ContainerFileError(`${path} is busy (a mount point?): ${text}`, 'Unavailable');
  if (/no such file/i.test(text)) return new ContainerFileError(`${path} does not exist (any more) in the container.`, 'NotFound');
  return new ContainerFileError(`Could not ${action} ${path}: ${text}`, 'Unavailable');
}
