// Builds small tars in memory for tests, including hostile ones.
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
}

export async function makeTar(entries: TarEntry[], opts: { gzip?: boolean } = {}): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = {
      name: e.name, type, linkname: e.linkname, uid: e.uid ?? 0, gid: e.gid ?? 0,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), mtime: e.mtime ?? new Date('2024-01-01T00:00:00Z'),
    };
    if (type === 'file') pack.entry(header, e.content ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  return opts.gzip ? gzipSync(buf) : buf;
}
