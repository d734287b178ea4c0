// A container's files through the Engine API, for the Container Files view: a path's stat (the
// X-Docker-Container-Path-Stat header of HEAD /containers/{id}/archive), a file's bytes (the one-entry
// tar of GET /containers/{id}/archive, refused over a size limit), a folder's entries (`ls` through
// exec while the container runs; the folder's tar, read for its headers only, while it is stopped), and
// a save (a one-entry tar through PUT /containers/{id}/archive, keeping the file's mode and owner).
// No VS Code imports.
import type Dockerode from 'dockerode';
import type { IncomingMessage } from 'node:http';
import * as tar from 'tar-stream';
import { execOutput } from './container-exec.js';

export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode bits, as the engine sends them. */
  mode: number;
  mtime: number;
  linkTarget: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
}

export interface DirEntry {
  name: string;
  kind: 'file' | 'directory' | 'symlink';
}

export type ContainerFileProblem = 'NotFound' | 'TooLarge' | 'Unavailable' | 'NoPermissions' | 'Exists' | 'Stopped';

/**
 * A problem a user can act on: the path (or the container) is gone, the file is too big, the engine or
 * the container's file system refused (permissions, read-only), the name is taken, or the container
 * must run for this.
 */
export class ContainerFileError extends Error {
  constructor(message: string, readonly code: ContainerFileProblem) {
    super(message);
  }
}

export type FileAction = 'read' | 'save' | 'upload' | 'create' | 'delete' | 'rename';
const DONE: Record<FileAction, string> = { read: 'read', save: 'saved', upload: 'uploaded', create: 'created', delete: 'deleted', rename: 'renamed' };

/** The engine's answer to an archive or exec request as a ContainerFileError; `what` names the path. */
export function archiveError(err: unknown, what: string, action: FileAction): ContainerFileError {
  const verb = DONE[action];
  if (err instanceof ContainerFileError) return err;
  const e = err as { statusCode?: number; message?: string; json?: { message?: string } };
  const text = e.json?.message ?? e.message ?? String(err);
  if (/no such container:/i.test(text)) return new ContainerFileError(`The container is gone (removed); ${what} cannot be ${verb}.`, 'NotFound');
  if (e.statusCode === 404) return new ContainerFileError(`${what} does not exist (any more) in the container.`, 'NotFound');
  if (e.statusCode === 403 || /read-only/i.test(text)) return new ContainerFileError(`${what} is on a read-only file system (a --read-only container, or a read-only mount); it cannot be ${verb}.`, 'NoPermissions');
  if (/permission denied|operation not permitted/i.test(text)) return new ContainerFileError(`Permission denied: ${what} cannot be ${verb} (${text.trim()}).`, 'NoPermissions');
  return new ContainerFileError(`Could not ${action} ${what}: ${text}`, 'Unavailable');
}

export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Stopped containers are listed from the folder's tar; past this much of it, the listing stops. */
const MAX_LISTING_TAR_BYTES = 256 * 1024 * 1024;

const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_OTHER = 2 ** 26 | 2 ** 25 | 2 ** 24 | 2 ** 21; // device, named pipe, socket, char device

export function statFromHeader(header: string): PathStat {
  const raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { name?: string; size?: number; mode?: number; mtime?: string; linkTarget?: string };
  const mode = raw.mode ?? 0;
  // Go's FileMode is unsigned 32-bit; JSON gives it as a plain number.
  const kind = mode >= GO_DIR ? 'directory' : mode & GO_SYMLINK ? 'symlink' : mode & GO_OTHER ? 'other' : 'file';
  return { name: raw.name ?? '', size: raw.size ?? 0, mode, mtime: raw.mtime ? Date.parse(raw.mtime) : 0, linkTarget: raw.linkTarget ?? '', kind };
}

function dial(docker: Dockerode, method: 'HEAD' | 'GET', id: string, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({
      path: `/containers/${encodeURIComponent(id)}/archive?`, method, options: { path }, isStream: true,
      statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container or path', 500: 'server error' },
    }, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res as IncomingMessage)));
  });
}

/** The path's tar; a ContainerFileError naming what is missing. */
function getArchive(docker: Dockerode, id: string, path: string): Promise<IncomingMessage> {
  return dial(docker, 'GET', id, path).catch((err: unknown) => notFound(err, path));
}

function notFound(err: unknown, what: string): never {
  throw archiveError(err, what, 'read');
}

export async function statPath(docker: Dockerode, id: string, path: string): Promise<PathStat> {
  let res: IncomingMessage;
  try {
    res = await dial(docker, 'HEAD', id, path);
  } catch (err) {
    // A HEAD's 404 has no body to say whether the path or the container is missing: ask.
    if ((err as { statusCode?: number }).statusCode === 404 && !(await docker.getContainer(id).inspect().then(() => true, () => false))) {
      throw new ContainerFileError(`The container is gone (removed); ${path} cannot be read.`, 'NotFound');
    }
    notFound(err, path);
  }
  res.resume();
  const header = res.headers['x-docker-container-path-stat'];
  if (typeof header !== 'string') throw new ContainerFileError(`The engine sent no stat for ${path}.`, 'Unavailable');
  return statFromHeader(header);
}

/** The file's bytes; a ContainerFileError for folders, vanished files and files over the limit. */
export async function readContainerFile(docker: Dockerode, id: string, path: string, maxBytes = MAX_FILE_BYTES): Promise<Buffer> {
  const st = await statPath(docker, id, path);
  if (st.kind === 'directory') throw new ContainerFileError(`${path} is a folder.`, 'Unavailable');
  if (st.size > maxBytes) throw new ContainerFileError(`${path} is ${Math.round(st.size / 1024 / 1024)} MB; Berth opens files up to ${Math.round(maxBytes / 1024 / 1024)} MB from a container (copy it out with docker cp).`, 'TooLarge');
  const res = await getArchive(docker, id, path);
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let content: Buffer | undefined;
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
      stream.on('end', () => {
        if (content === undefined && header.type !== 'directory') content = header.type === 'symlink' ? Buffer.from(header.linkname ?? '') : Buffer.concat(chunks);
        next();
      });
      stream.resume();
    });
    extract.on('finish', () => resolve(content ?? Buffer.alloc(0)));
    extract.on('error', reject);
    res.on('error', reject);
    res.pipe(extract);
  });
}

/** The folder's entries, sorted folders first. */
export async function listContainerDir(docker: Dockerode, id: string, path: string, running: boolean): Promise<DirEntry[]> {
  const entries = running ? await listByExec(docker, id, path).catch(() => undefined) : undefined;
  const list = entries ?? (await listByArchive(docker, id, path));
  return list.sort((a, b) => Number(b.kind === 'directory') - Number(a.kind === 'directory') || a.name.localeCompare(b.name));
}

/** `ls -1AF` (busybox, coreutils): folders end in `/`, symlinks in `@`, other kinds in `*|=>`. */
async function listByExec(docker: Dockerode, id: string, path: string): Promise<DirEntry[]> {
  const out = await execOutput(docker, id, ['ls', '-1AF', '--', path]);
  return out.split('\n').filter(Boolean).map((line) => {
    if (line.endsWith('/')) return { name: line.slice(0, -1), kind: 'directory' as const };
    if (line.endsWith('@')) return { name: line.slice(0, -1), kind: 'symlink' as const };
    return { name: /[*|=>]$/.test(line) ? line.slice(0, -1) : line, kind: 'file' as const };
  });
}

/** A stopped container: the folder's tar, its headers read and its contents skipped. */
async function listByArchive(docker: Dockerode, id: string, path: string): Promise<DirEntry[]> {
  const res = await getArchive(docker, id, path);
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    const seen = new Map<string, DirEntry>();
    let bytes = 0;
    res.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > MAX_LISTING_TAR_BYTES) {
        res.destroy();
        reject(new ContainerFileError(`${path} holds more than ${MAX_LISTING_TAR_BYTES / 1024 / 1024} MB; start the container to list it.`, 'TooLarge'));
      }
    });
    extract.on('entry', (header, stream, next) => {
      // Names are relative to the folder's parent (`app/`, `app/src/x.ts`); for `/`, to `/` itself (`etc/passwd`).
      const parts = header.name.replace(/^\.\//, '').replace(/\/$/, '').split('/').filter(Boolean);
      const depth = path === '/' || path === '' ? 0 : 1;
      const name = parts[depth];
      if (name !== undefined) {
        if (parts.length === depth + 1) {
          const kind = header.type === 'directory' ? 'directory' : header.type === 'symlink' ? 'symlink' : 'file';
          seen.set(name, { name, kind });
        } else if (!seen.has(name)) {
          seen.set(name, { name, kind: 'directory' });
        }
      }
      stream.on('end', next);
      stream.resume();
    });
    extract.on('finish', () => resolve([...seen.values()]));
    extract.on('error', reject);
    res.pipe(extract);
  });
}

/** The tar header the engine gives a file now (mode, owner), or undefined when there is no such file. */
async function currentHeader(docker: Dockerode, id: string, path: string): Promise<tar.Header | undefined> {
  let res: IncomingMessage;
  try {
    res = await dial(docker, 'GET', id, path);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let header: tar.Header | undefined;
    extract.on('entry', (h, stream, next) => {
      header ??= h;
      stream.on('end', next);
      stream.resume();
    });
    extract.on('finish', () => resolve(header));
    extract.on('error', reject);
    res.pipe(extract);
  });
}

/**
 * Writes `content` to `path` in the container (running or stopped) through PUT /archive, keeping the
 * mode and owner the file has; a new file gets 0644 and root. The folder must exist.
 */
export async function writeContainerFile(docker: Dockerode, id: string, path: string, content: Buffer): Promise<void> {
  if (content.length > MAX_FILE_BYTES) throw new ContainerFileError(`Berth writes files up to ${MAX_FILE_BYTES / 1024 / 1024} MB into a container.`, 'TooLarge');
  const before = await currentHeader(docker, id, path).catch((err: unknown) => notFound(err, path));
  if (before?.type === 'directory') throw new ContainerFileError(`${path} is a folder.`, 'Unavailable');
  const slash = path.lastIndexOf('/');
  const dir = slash > 0 ? path.slice(0, slash) : '/';
  const name = path.slice(slash + 1);
  const pack = tar.pack();
  pack.entry({ name, mode: before?.mode ?? 0o644, uid: before?.uid ?? 0, gid: before?.gid ?? 0, mtime: new Date(), size: content.length, type: 'file' }, content);
  pack.finalize();
  try {
    await docker.getContainer(id).putArchive(pack as unknown as NodeJS.ReadableStream, { path: dir });
  } catch (err) {
    const e = err as { statusCode?: number };
    if (e.statusCode === 404 && !/no such container:/i.test(String((err as Error).message))) throw new ContainerFileError(`The folder ${dir} does not exist (any more) in the container.`, 'NotFound');
    throw archiveError(err, path, 'save');
  }
}
