// Request bodies: JSON for most routes (400 on malformed JSON), raw streams for load/import/build.
import type { IncomingMessage } from 'node:http';
import { InvalidError } from '../errdefs.js';

const MAX_JSON_BODY = 16 * 1024 * 1024;

/** The parsed JSON body, or undefined when the body is empty. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY) throw new InvalidError(`request body is larger than ${MAX_JSON_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidError(`malformed JSON in request body: ${(err as Error).message}`);
  }
}

/** Like readJsonBody but insists on a JSON object. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readJsonBody(req);
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidError('malformed request body: expected a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Drains an unused body so keep-alive connections stay usable. */
export function discardBody(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}
