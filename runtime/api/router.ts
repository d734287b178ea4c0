// Matches Docker Engine API paths with or without a `/vX.Y` prefix. Image names contain slashes and are not
// URL-encoded by the CLI, so name captures are greedy (`/images/(.+)/json`), like Podman's `{name:.*}`.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ApiRequest {
  raw: IncomingMessage;
  method: string;
  /** Path without the version prefix, e.g. `/images/json`. */
  path: string;
  /** API version from the path (`1.41`), or undefined for unversioned paths. */
  version: string | undefined;
  query: URLSearchParams;
  /** Decoded captures of the route pattern. */
  params: string[];
}

export type Handler = (req: ApiRequest, res: ServerResponse) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const VERSION_PREFIX = /^\/v(\d+\.\d+)(?=\/)/;

export class Router {
  private readonly routes: Route[] = [];

  /** `pattern` is matched against the whole unversioned path; write it without ^ and $. */
  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern: new RegExp(`^${pattern}$`), handler });
    return this;
  }

  get(pattern: string, handler: Handler): this { return this.add('GET', pattern, handler); }
  head(pattern: string, handler: Handler): this { return this.add('HEAD', pattern, handler); }
  post(pattern: string, handler: Handler): this { return this.add('POST', pattern, handler); }
  put(pattern: string, handler: Handler): this { return this.add('PUT', pattern, handler); }
  delete(pattern: string, handler: Handler): this { return this.add('DELETE', pattern, handler); }

  /** Finds the handler for a request; undefined when no route matches. */
  match(raw: IncomingMessage): { handler: Handler; request: ApiRequest } | undefined {
    const url = new URL(raw.url ?? '/', 'http://berth.invalid');
    let path = url.pathname;
    let version: string | undefined;
    const v = VERSION_PREFIX.exec(path);
    if (v) {
      version = v[1];
      path = path.slice(v[0].length);
    }
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const method = raw.method ?? 'GET';
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params = m.slice(1).map((p) => safeDecode(p ?? ''));
      return { handler: route.handler, request: { raw, method, path, version, query: url.searchParams, params } };
    }
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
