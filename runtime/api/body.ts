// Request bodies: JSON for most routes (400 on malformed JSON), raw streams for load/import/build.
// JSON bodies of the Engine API's objects are decoded against their Go types (runtime/schema), so a
// wrongly typed field is a 400 with Docker's message and never reaches a service or the disk.
import type { IncomingMessage } from 'node:http';
import { InvalidError } from '../errdefs.js';
import { decodeBody, type GoStruct } from '../schema/go-json.js';

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

/** The body decoded into the Engine API type `schema` describes (known fields only, types checked). */
export async function readBody<T>(req: IncomingMessage, schema: GoStruct): Promise<T> {
  return decodeBody<T>(await readJsonBody(req), schema);
}

/** Drains an unused body so keep-alive connections stay usable. */
export function discardBody(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}
