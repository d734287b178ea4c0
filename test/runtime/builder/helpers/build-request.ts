// POST /build straight over the socket (no CLI): for hostile contexts the CLI would never send, and
// for benchmarks that time the engine rather than the client.
import http from 'node:http';
import * as tar from 'tar-stream';

export interface BuildReply {
  status: number;
  /** Parsed JSON messages (or the error body for a non-200 reply). */
  messages: Record<string, unknown>[];
  /** `stream` texts joined. */
  text: string;
  /** aux.ID of the last stage, when the build finished. */
  imageId?: string;
  error?: string;
  errorCode?: number;
}

export interface ContextFile {
  name: string;
  content?: string | Buffer;
  mode?: number;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
  uid?: number;
  gid?: number;
}

/** A context tar from entries (written as they are: no checks, so hostile names go through). */
export async function contextTar(files: ContextFile[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) {
    const type = f.type ?? 'file';
    const base = { name: f.name, mode: f.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: f.uid ?? 0, gid: f.gid ?? 0, mtime: new Date('2024-01-01T00:00:00Z') };
    if (type === 'file') pack.entry({ ...base, type }, typeof f.content === 'string' ? Buffer.from(f.content) : f.content ?? Buffer.alloc(0));
    else pack.entry({ ...base, type, linkname: f.linkname });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Sends a build and reads the whole reply. `query` as the CLI would send it (t, nocache, ...). */
export function postBuild(socketPath: string, query: Record<string, string | string[]>, body: Buffer, headers: Record<string, string> = {}): Promise<BuildReply> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath, method: 'POST', path: `/v1.41/build?${qs}`,
      headers: { 'Content-Type': 'application/x-tar', 'Content-Length': body.length, ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve(parseReply(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function parseReply(status: number, body: string): BuildReply {
  const messages: Record<string, unknown>[] = [];
  for (const line of body.split(/\r?\n/)) {
    if (!line.trim()) continue;
    try {
      messages.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      messages.push({ raw: line });
    }
  }
  const reply: BuildReply = { status, messages, text: messages.map((m) => (typeof m.stream === 'string' ? m.stream : '')).join('') };
  for (const m of messages) {
    const aux = m.aux as { ID?: string } | undefined;
    if (aux?.ID) reply.imageId = aux.ID;
    const detail = m.errorDetail as { message?: string; code?: number } | undefined;
    if (detail) {
      reply.error = detail.message;
      reply.errorCode = detail.code;
    }
    if (status !== 200 && typeof m.message === 'string') reply.error = m.message;
  }
  return reply;
}
