// What the differential tests compare between Berth and Docker Engine: an image's config fields,
// its history lines, and its root filesystem (path, type, mode, owner, size, content hash, link
// target) after applying every layer of `docker save`, whiteouts included. Times are left out.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { posix } from 'node:path';
import * as tar from 'tar-stream';

export interface FileInfo {
  type: string;
  mode: string;
  owner: string;
  size: number;
  sha256?: string;
  link?: string;
}

export interface ImageSnapshot {
  config: Record<string, unknown>;
  history: string[];
  files: Map<string, FileInfo>;
}

export const CONFIG_FIELDS = [
  'Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'Labels', 'Healthcheck', 'StopSignal', 'OnBuild', 'Shell',
] as const;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => { err += c; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${cmd} ${args.join(' ')}: ${err}`))));
  });
}

async function readTar(data: Buffer, onEntry: (h: tar.Header, body: Buffer) => void): Promise<void> {
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      onEntry(entry.header, Buffer.concat(chunks));
    }
  })();
  extract.end(data);
  await done;
}

function clean(name: string): string {
  return posix.normalize(name.replace(/^\.?\/+/, '')).replace(/\/$/, '');
}

/** Applies one layer tar to `files`. */
export async function applyLayer(files: Map<string, FileInfo>, layer: Buffer): Promise<void> {
  const entries: { h: tar.Header; body: Buffer }[] = [];
  await readTar(layer, (h, body) => entries.push({ h, body }));
  for (const { h, body } of entries) {
    const name = clean(h.name);
    if (name === '.' || name === '') continue;
    const dir = posix.dirname(name);
    const base = posix.basename(name);
    if (base === '.wh..wh..opq') {
      for (const k of [...files.keys()]) if (k.startsWith(`${dir}/`) && entries.every((e) => clean(e.h.name) !== k)) files.delete(k);
      continue;
    }
    if (base.startsWith('.wh.')) {
      const gone = dir === '.' ? base.slice(4) : `${dir}/${base.slice(4)}`;
      for (const k of [...files.keys()]) if (k === gone || k.startsWith(`${gone}/`)) files.delete(k);
      continue;
    }
    if (h.type !== 'directory') for (const k of [...files.keys()]) if (k.startsWith(`${name}/`)) files.delete(k);
    const info: FileInfo = {
      type: h.type === 'link' ? 'file' : h.type,
      mode: ((h.mode ?? 0) & 0o7777).toString(8),
      owner: `${h.uid}:${h.gid}`,
      size: h.type === 'file' ? body.length : 0,
    };
    if (h.type === 'file') info.sha256 = createHash('sha256').update(body).digest('hex');
    if (h.type === 'symlink') info.link = h.linkname ?? '';
    if (h.type === 'link') {
      const target = files.get(clean(h.linkname ?? ''));
      if (target) Object.assign(info, { ...target, mode: target.mode, owner: target.owner });
    }
    files.set(name, info);
  }
}

export async function snapshotImage(dockerHost: string, ref: string): Promise<ImageSnapshot> {
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  const inspect = JSON.parse((await run('docker', ['image', 'inspect', ref], env)).toString())[0] as { Config: Record<string, unknown> };
  const history = JSON.parse(`[${(await run('docker', ['history', '--no-trunc', '--format', '{{json .CreatedBy}}', ref], env)).toString().trim().split('\n').join(',')}]`) as string[];
  const archive = await run('docker', ['save', ref], env);
  const members = new Map<string, Buffer>();
  await readTar(archive, (h, body) => { if (h.type === 'file') members.set(clean(h.name), body); });
  const manifest = JSON.parse((members.get('manifest.json') as Buffer).toString()) as { Layers: string[] }[];
  const files = new Map<string, FileInfo>();
  for (const layer of manifest[0].Layers) await applyLayer(files, members.get(clean(layer)) as Buffer);
  const config: Record<string, unknown> = {};
  for (const k of CONFIG_FIELDS) {
    const v = inspect.Config[k];
    const empty = v === null || v === undefined || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0);
    if (!empty) config[k] = v;
  }
  return { config, history: history.map(normalizeHistory), files };
}

/** History lines with the content hashes of COPY/ADD masked (each engine hashes its own way). */
export function normalizeHistory(line: string): string {
  return line.replace(/(file|dir|multi):[0-9a-f]{64}/g, '$1:<hash>');
}
