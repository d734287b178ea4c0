// `docker events --filter` semantics: values of one filter are OR-ed, different filters are AND-ed.
import { checkFilterNames, type Filters } from '../filters.js';
import type { EngineEvent } from './event-log.js';

const KNOWN = ['type', 'event', 'image', 'container', 'label', 'network', 'volume', 'daemon', 'scope', 'plugin', 'node', 'service', 'secret', 'config'];

export type EventPredicate = (event: EngineEvent) => boolean;

export function eventFilter(filters: Filters): EventPredicate {
  checkFilterNames(filters, KNOWN);
  const tests: EventPredicate[] = [];
  const values = (name: string): string[] | undefined => {
    const v = filters.get(name);
    return v && v.length > 0 ? v : undefined;
  };
  const type = values('type');
  if (type) tests.push((e) => type.includes(e.Type));
  const action = values('event');
  // `exec_start: sh` matches the filter `exec_start`.
  if (action) tests.push((e) => action.some((a) => e.Action === a || e.Action.startsWith(`${a}:`)));
  const scope = values('scope');
  if (scope) tests.push((e) => scope.includes(e.scope));
  const image = values('image');
  if (image) {
    tests.push((e) => {
      const names = [e.Actor.Attributes.image, e.Actor.Attributes.name, e.Actor.ID, e.from].filter(Boolean) as string[];
      return image.some((i) => names.some((n) => sameImageName(n, i)));
    });
  }
  for (const [name, type] of [['container', 'container'], ['network', 'network'], ['volume', 'volume'], ['daemon', 'daemon']] as const) {
    const wanted = values(name);
    if (!wanted) continue;
    tests.push((e) => e.Type === type && wanted.some((w) => e.Actor.ID.startsWith(w) || e.Actor.Attributes.name === w));
  }
  const label = values('label');
  if (label) {
    tests.push((e) => label.some((l) => {
      const eq = l.indexOf('=');
      if (eq < 0) return l in e.Actor.Attributes;
      return e.Actor.Attributes[l.slice(0, eq)] === l.slice(eq + 1);
    }));
  }
  return (e) => tests.every((t) => t(e));
}

function sameImageName(actual: string, wanted: string): boolean {
  if (actual === wanted) return true;
  const strip = (s: string): string => s.replace(/^docker\.io\//, '').replace(/^library\//, '').replace(/:latest$/, '');
  const a = strip(actual);
  const w = strip(wanted);
  return a === w || a.startsWith(`sha256:${w}`) || actual.startsWith(wanted);
}
