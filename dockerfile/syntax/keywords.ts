// The instruction keywords BuildKit knows, and a "did you mean" for the ones it does not.
import type { InstructionKeyword } from './ast.js';

export const KEYWORDS: readonly InstructionKeyword[] = [
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT',
  'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
];

const KNOWN = new Set<string>(KEYWORDS);

export function isKeyword(word: string): word is InstructionKeyword {
  return KNOWN.has(word);
}

/** Instructions whose arguments may be a JSON array (exec form). */
export const JSON_FORM = new Set<string>(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'ADD', 'COPY', 'VOLUME']);

/** Instructions that may carry heredocs. */
export const HEREDOC_FORM = new Set<string>(['RUN', 'COPY', 'ADD']);

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The closest known word when it is close enough to be a typo, like BuildKit's suggestions. */
export function suggest(word: string, candidates: readonly string[], caseInsensitive = true): string | null {
  const w = caseInsensitive ? word.toUpperCase() : word;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(w, caseInsensitive ? c.toUpperCase() : c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // Fewer than three edits away, BuildKit's threshold.
  return best !== null && bestDistance < 3 && bestDistance > 0 ? best : null;
}
