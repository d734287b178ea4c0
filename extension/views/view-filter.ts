// The filter of the Containers and Images views, written as `docker ps --filter` / `docker images
// --filter` take it: `status=running label=com.example.tier=web name=api`, sent to the engine as its
// `filters` parameter, plus bare words matched against the names the view shows (any word, anywhere,
// case-insensitive). No VS Code imports.

export type FilterKind = 'container' | 'image';

/** The filter keys each list route takes (Docker Engine 20.10's, which berthd follows). */
export const FILTER_KEYS: Record<FilterKind, readonly string[]> = {
  container: ['name', 'label', 'status', 'ancestor', 'id', 'network', 'volume', 'health', 'exited', 'publish', 'expose', 'before', 'since'],
  image: ['reference', 'label', 'dangling', 'before', 'since'],
};

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

export interface ViewFilter {
  /** As the user wrote it, for the view's description and the next edit. */
  text: string;
  /** The engine's `filters` parameter. */
  engine: Record<string, string[]>;
  /** Bare words, matched against names. */
  words: string[];
}

/** The filter, or the reason it cannot be one (for the input box). Empty text is no filter. */
export function parseFilter(kind: FilterKind, text: string): ViewFilter | undefined | string {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (!tokens.length) return undefined;
  const engine: Record<string, string[]> = {};
  const words: string[] = [];
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq < 0) {
      words.push(t.toLowerCase());
      continue;
    }
    const key = t.slice(0, eq).toLowerCase();
    const value = t.slice(eq + 1);
    if (!FILTER_KEYS[kind].includes(key)) return `"${key}" is not a filter of the ${kind === 'container' ? 'Containers' : 'Images'} view; use ${FILTER_KEYS[kind].join(', ')} (or a bare word to match names)`;
    if (!value) return `"${t}" has no value`;
    if (key === 'status' && !STATUSES.includes(value)) return `status must be one of ${STATUSES.join(', ')}`;
    if (key === 'dangling' && value !== 'true' && value !== 'false') return 'dangling must be true or false';
    (engine[key] ??= []).push(value);
  }
  return { text: tokens.join(' '), engine, words };
}

/** Whether the names of a row hold every bare word of the filter. */
export function matchesWords(filter: ViewFilter | undefined, names: readonly string[]): boolean {
  if (!filter?.words.length) return true;
  const hay = names.join(' ').toLowerCase();
  return filter.words.every((w) => hay.includes(w));
}
