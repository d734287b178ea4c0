// The names a Compose file defines (services, networks, volumes, configs, secrets) and where it
// mentions them (depends_on, links, extends, network_mode, volumes_from, a service's networks and
// named volumes): what diagnostics, completion, definition and references share.
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { entryAt, keyText, scalarText, type KeyPath } from './yaml-tree';

export type NameKind = 'service' | 'network' | 'volume' | 'config' | 'secret';

export const SECTION_OF: Record<NameKind, string> = { service: 'services', network: 'networks', volume: 'volumes', config: 'configs', secret: 'secrets' };

export interface Definition {
  readonly kind: NameKind;
  readonly name: string;
  /** The key under the top-level section. */
  readonly key: Node;
  readonly value: Node | null;
}

export interface Reference {
  readonly kind: NameKind;
  readonly name: string;
  /** The scalar that names it, and where in that scalar's value the name is. */
  readonly node: Node;
  readonly from: number;
  readonly to: number;
  /** Where the mention is written (for messages). */
  readonly path: KeyPath;
  /** depends_on with `required: false`: a missing service is allowed. */
  readonly optional?: boolean;
}

export function definitions(doc: Document.Parsed): Definition[] {
  const out: Definition[] = [];
  for (const kind of Object.keys(SECTION_OF) as NameKind[]) {
    const section = entryAt(doc, [SECTION_OF[kind]])?.value;
    if (!isMap(section)) continue;
    for (const p of section.items) {
      const name = keyText(p);
      if (name !== undefined && !name.startsWith('x-')) out.push({ kind, name, key: p.key as Node, value: (p.value as Node | null) ?? null });
    }
  }
  return out;
}

/** A short-syntax volume's source names a volume when it is not a path. */
function namedVolumeSource(s: string): string | undefined {
  const parts = s.split(':');
  if (parts.length < 2) return undefined;
  const src = parts[0];
  return src && !/^[./~]/.test(src) && !src.includes('$') && !/^[A-Za-z]$/.test(src) ? src : undefined;
}

export function references(doc: Document.Parsed): Reference[] {
  const out: Reference[] = [];
  const services = entryAt(doc, ['services'])?.value;
  if (!isMap(services)) return out;
  const add = (kind: NameKind, node: Node | null | undefined, path: KeyPath, from = 0, to?: number, optional?: boolean) => {
    const text = scalarText(node);
    if (text === undefined || !node) return;
    const name = text.slice(from, to ?? text.length);
    if (name && !name.includes('$')) out.push({ kind, name, node, from, to: from + name.length, path, optional });
  };
  for (const sp of services.items) {
    const svc = keyText(sp);
    const body = sp.value as Node | null;
    if (svc === undefined || !isMap(body)) continue;
    const at = (...k: (string | number)[]): KeyPath => ['services', svc, ...k];
    for (const p of body.items) {
      const key = keyText(p);
      const v = p.value as Node | null;
      switch (key) {
        case 'depends_on':
          if (isSeq(v)) v.items.forEach((n, i) => add('service', n as Node, at(key, i)));
          else if (isMap(v)) {
            for (const d of v.items) {
              const required = isMap(d.value) ? d.value.get('required') : undefined;
              add('service', d.key as Node, at(key, keyText(d) ?? ''), 0, undefined, required === false);
            }
          }
          break;
        case 'links':
          if (isSeq(v)) v.items.forEach((n, i) => add('service', n as Node, at(key, i), 0, scalarText(n as Node)?.split(':')[0].length));
          break;
        case 'volumes_from':
          if (isSeq(v)) {
            v.items.forEach((n, i) => {
              const s = scalarText(n as Node);
              if (s !== undefined && !s.startsWith('container:')) add('service', n as Node, at(key, i), 0, s.split(':')[0].length);
            });
          }
          break;
        case 'extends':
          if (isScalar(v)) add('service', v, at(key));
          else if (isMap(v) && v.get('file') === undefined) add('service', v.get('service', true) as Node | undefined, at(key, 'service'));
          break;
        case 'network_mode': {
          const s = scalarText(v);
          if (s?.startsWith('service:')) add('service', v, at(key), 'service:'.length);
          break;
        }
        case 'networks':
          if (isSeq(v)) v.items.forEach((n, i) => add('network', n as Node, at(key, i)));
          else if (isMap(v)) for (const n of v.items) add('network', n.key as Node, at(key, keyText(n) ?? ''));
          break;
        case 'volumes':
          if (!isSeq(v)) break;
          v.items.forEach((n, i) => {
            const s = scalarText(n as Node);
            if (s !== undefined) {
              const src = namedVolumeSource(s);
              if (src) add('volume', n as Node, at(key, i), 0, src.length);
            } else if (isMap(n) && n.get('type') === 'volume') {
              add('volume', n.get('source', true) as Node | undefined, at(key, i, 'source'));
            }
          });
          break;
        case 'secrets':
        case 'configs':
          if (isSeq(v)) {
            v.items.forEach((n, i) => {
              if (isMap(n)) add(key === 'secrets' ? 'secret' : 'config', n.get('source', true) as Node | undefined, at(key, i, 'source'));
              else add(key === 'secrets' ? 'secret' : 'config', n as Node, at(key, i));
            });
          }
          break;
        default:
          break;
      }
    }
  }
  return out;
}
