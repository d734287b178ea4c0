// ADD <url>: the file is downloaded on every build (its content hash decides the cache, as in Docker),
// keeps mode 0600, takes its mtime from Last-Modified, and is never unpacked. The name comes from the
// URL path, else from Content-Disposition.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { InvalidError } from '../../errdefs.js';
import { entryHash } from '../context/context-index.js';
import type { InlineItem } from './sources.js';

const MAX_DOWNLOAD = 2 * 1024 * 1024 * 1024;

export function isUrl(src: string): boolean {
  return /^https?:\/\//i.test(src);
}

export async function downloadSource(url: string, destIsDir: boolean, signal: AbortSignal, checksum?: string): Promise<InlineItem> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    throw new InvalidError(`failed to download ${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new InvalidError(`failed to GET ${url} with status ${res.status} ${res.statusText}`);
  const chunks: Buffer[] = [];
  let size = 0;
  if (res.body) {
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += c.length;
      if (size > MAX_DOWNLOAD) throw new InvalidError(`failed to download ${url}: larger than ${MAX_DOWNLOAD} bytes`);
      chunks.push(Buffer.from(c));
    }
  }
  const content = Buffer.concat(chunks);
  if (checksum) {
    const actual = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    if (actual !== checksum) throw new InvalidError(`digest mismatch for ${url}: expected ${checksum}, got ${actual}`);
  }
  let name = filenameFor(new URL(url).pathname, res.headers.get('content-disposition'));
  if (!name) {
    if (destIsDir) throw new InvalidError(`cannot determine filename for source ${url}`);
    name = '__unnamed__';
  }
  const lastModified = res.headers.get('last-modified');
  const parsed = lastModified ? Date.parse(lastModified) : NaN;
  const mtime = Number.isNaN(parsed) ? new Date(0) : new Date(parsed);
  const hash = entryHash('file', 0o600, 0, 0, '', content);
  return { kind: 'inline', name, content, mode: 0o600, mtime, hash: `file:${hash}` };
}

function filenameFor(path: string, disposition: string | null): string {
  if (path && !path.endsWith('/')) {
    const base = posix.basename(path);
    if (base) return decodeURIComponent(base);
  }
  const m = disposition ? /filename\*?="?([^";]+)"?/i.exec(disposition) : null;
  if (m && !m[1].endsWith('/')) return posix.basename(m[1]);
  return '';
}
