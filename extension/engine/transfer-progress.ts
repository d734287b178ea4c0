// One line of progress for a pull or push from the engine's per-layer status messages.
import type { JsonMessage } from './json-messages.js';

const DONE = /^(Pull complete|Already exists|Layer already exists|Pushed|Mounted from)/;

export function transferSummary(): { update(m: JsonMessage): string | undefined } {
  const layers = new Map<string, boolean>();
  return {
    update(m) {
      if (!m.status) return undefined;
      // Per-layer lines carry the layer id; others ("Digest: ...", "Status: ...") speak for the whole image.
      if (m.id && /^[0-9a-f]{12}/.test(m.id)) {
        layers.set(m.id, DONE.test(m.status) || layers.get(m.id) === true);
        const done = [...layers.values()].filter(Boolean).length;
        const detail = m.progress ? ` ${m.status} ${m.progress.replace(/\s+/g, ' ').trim()}` : ` ${m.status}`;
        return `${done}/${layers.size} layers done.${detail.length > 70 ? detail.slice(0, 70) + '…' : detail}`;
      }
      return m.status;
    },
  };
}
