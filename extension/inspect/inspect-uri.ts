// Addresses of the read-only inspect documents: `berth-inspect:/container/web.json?<id>`. The path gives
// the editor tab a readable title; the query carries the id the engine is asked about.
import type { ResourceRef } from '../views/view-node.js';

export const INSPECT_SCHEME = 'berth-inspect';

export interface InspectTarget {
  kind: ResourceRef['kind'];
  /** Id, or name for volumes. */
  id: string;
}

export function inspectPath(r: ResourceRef): { path: string; query: string } {
  switch (r.kind) {
    case 'container':
      return { path: `/container/${safe(r.name)}.json`, query: r.id };
    case 'image':
      return { path: `/image/${safe(r.ref ?? r.id.replace(/^sha256:/, '').slice(0, 12))}.json`, query: r.id };
    case 'volume':
      return { path: `/volume/${safe(r.name)}.json`, query: r.name };
    case 'network':
      return { path: `/network/${safe(r.name)}.json`, query: r.id };
  }
}

export function parseInspectPath(path: string, query: string): InspectTarget | undefined {
  const m = /^\/(container|image|volume|network)\//.exec(path);
  if (!m || !query) return undefined;
  return { kind: m[1] as InspectTarget['kind'], id: decodeURIComponent(query) };
}

function safe(name: string): string {
  // A slash in an image name would read as a folder; keep the title flat.
  return name.replace(/[/\\]/g, '_').replace(/:/g, '_');
}
