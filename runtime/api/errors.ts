// The one place where error kinds become HTTP statuses and Docker's JSON error body.
// Content-Type must be exactly application/json: with a charset the docker CLI prints the raw JSON.
// Internal errors (500s) go to the daemon's log in full; the client gets the message without host
// paths (they tell a client nothing it can act on and show the layout of the daemon's root).
import type { ServerResponse } from 'node:http';
import { DiskFullError, errorKind, errorMessage, type ErrorKind } from '../errdefs.js';
import { RegistryError } from '../registry/errors.js';

const STATUS: Record<ErrorKind, number> = {
  'not-found': 404,
  conflict: 409,
  invalid: 400,
  forbidden: 403,
  'not-modified': 304,
  unauthorized: 401,
  unavailable: 503,
  system: 500,
};

/** Registry failures (runtime/registry/errors.ts) carry their own kinds. */
const REGISTRY_STATUS: Record<string, number> = {
  'not-found': 404, unauthorized: 401, invalid: 400, unavailable: 500, 'digest-mismatch': 500,
};

export function statusOf(err: unknown): number {
  if (err instanceof RegistryError) return REGISTRY_STATUS[err.kind] ?? 500;
  return STATUS[errorKind(err)];
}

export function sendError(res: ServerResponse, err: unknown): void {
  const status = statusOf(err);
  if (res.headersSent) {
    // A stream already started; the stream writer reports errors in-band, so just end it.
    res.end();
    return;
  }
  if (status === 304) {
    res.writeHead(304);
    res.end();
    return;
  }
  const body = JSON.stringify({ message: status >= 500 ? internalMessage(err) : errorMessage(err) });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

// An absolute path where a word starts (after a space, quote, bracket or '='); '//' (URLs) never matches.
const HOST_PATH = /(^|[\s'"`(\[{=])\/(?!\/)[^\s'"`()[\]{},;]*/g;

/** The message of an internal error for a client: logged in full, sent without host paths. */
export function internalMessage(err: unknown): string {
  const full = errorMessage(err);
  process.stderr.write(`berthd: internal error: ${err instanceof Error && err.stack ? err.stack : full}\n`);
  // A full disk's message is written for the user and names only the engine's root, which any client
  // reads from /info (DockerRootDir) anyway: it is what they must free space on.
  if (err instanceof DiskFullError || full === new DiskFullError(undefined).message) return full;
  // A registry failure's message is written for the user too; the paths it names are where registry
  // certificates go (certs.d), which is what they must act on.
  if (err instanceof RegistryError) return full;
  return withoutHostPaths(full);
}

/** Replaces each absolute path with its last component: "open .../config.v2.json: no such file". */
export function withoutHostPaths(message: string): string {
  return message.replace(HOST_PATH, (path: string, lead: string) => {
    const name = path.slice(lead.length).replace(/\/+$/, '').split('/').pop();
    return `${lead}${name ? `.../${name}` : '...'}`;
  });
}

export function sendNotFoundRoute(res: ServerResponse): void {
  const body = JSON.stringify({ message: 'page not found' });
  res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
