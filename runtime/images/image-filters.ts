// Filters of `GET /images/json` and `POST /images/prune`: dangling, reference, label, before, since, until.
import { compileFilepathPattern, filepathPatternError } from '../../dockerfile/glob/filepath-match.js';
import { InvalidError } from '../errdefs.js';
import { checkFilterNames, parseTimestamp, type Filters } from '../filters.js';
import { createdSeconds } from './image-config.js';
import type { ImageEntry, ImageStore } from './image-store.js';
import { familiarName, parseReference } from './reference.js';

export type ImagePredicate = (entry: ImageEntry) => boolean;

export const LIST_FILTERS = ['dangling', 'reference', 'label', 'before', 'since'] as const;
export const PRUNE_FILTERS = ['dangling', 'label', 'label!', 'until'] as const;

export function imageFilter(store: ImageStore, filters: Filters, allowed: readonly string[]): ImagePredicate {
  checkFilterNames(filters, allowed);
  const tests: ImagePredicate[] = [];
  const dangling = filters.get('dangling');
  if (dangling && dangling.length) {
    const want = parseBoolFilter('dangling', dangling);
    tests.push((e) => isDangling(store, e) === want);
  }
  const refs = filters.get('reference');
  if (refs && refs.length) {
    const patterns = refs.map(referencePattern);
    tests.push((e) => store.refsOf(e.id).some((r) => {
      const ref = parseReference(r);
      const name = familiarName(ref);
      const candidates = [name, ref.tag !== undefined ? `${name}:${ref.tag}` : `${name}@${ref.digest}`];
      return patterns.some((p) => candidates.some((c) => p(c)));
    }));
  }
  const labels = filters.get('label');
  if (labels && labels.length) tests.push((e) => labels.every((l) => hasLabel(e, l)));
  const notLabels = filters.get('label!');
  if (notLabels && notLabels.length) tests.push((e) => notLabels.every((l) => !hasLabel(e, l)));
  for (const [name, cmp] of [['before', -1], ['since', 1]] as const) {
    const values = filters.get(name);
    if (!values || !values.length) continue;
    const pivots = values.map((v) => createdSeconds(store.resolve(v).config));
    tests.push((e) => pivots.every((p) => Math.sign(createdSeconds(e.config) - p) === cmp));
  }
  const until = filters.get('until');
  if (until && until.length) {
    const limits = until.map((u) => untilSeconds(u));
    tests.push((e) => limits.every((l) => createdSeconds(e.config) < l));
  }
  return (e) => tests.every((t) => t(e));
}

export function isDangling(store: ImageStore, e: ImageEntry): boolean {
  return !store.refsOf(e.id).some((r) => !r.includes('@'));
}

function parseBoolFilter(name: string, values: string[]): boolean {
  const v = values[values.length - 1].toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new InvalidError(`invalid filter '${name}=${values[0]}': use true or false`);
}

function hasLabel(e: ImageEntry, filter: string): boolean {
  const labels = e.config.config?.Labels ?? {};
  const eq = filter.indexOf('=');
  if (eq < 0) return Object.prototype.hasOwnProperty.call(labels, filter);
  return labels[filter.slice(0, eq)] === filter.slice(eq + 1);
}

/** `until` accepts timestamps and Go durations like `24h`, `10m` (relative to now). */
function untilSeconds(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(h|m|s)$/.exec(value);
  if (m) {
    const factor = m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1;
    return Date.now() / 1000 - Number(m[1]) * factor;
  }
  return Number(parseTimestamp(value, 'until') / 1_000_000_000n);
}

/** Docker's reference filter: Go's path.Match over the familiar name (with its tag or digest). */
export function referencePattern(pattern: string): (candidate: string) => boolean {
  const matcher = compileFilepathPattern(pattern);
  if (!matcher) throw new InvalidError(`invalid reference filter "${pattern}": ${filepathPatternError(pattern)}`);
  return matcher;
}
