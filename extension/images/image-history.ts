// An image's layers as `docker history` shows them, newest first: id, age, size, the instruction that
// made the layer and its comment. Plain text, for a read-only document; no VS Code imports.
import { age, humanSize } from '../views/format.js';

/** One entry of GET /images/{name}/history. */
export interface HistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags?: string[] | null;
  Size: number;
  Comment?: string;
}

/** The instruction as written: the legacy builder's `/bin/sh -c #(nop) ` wrapper dropped, RUN marked. */
export function instructionOf(createdBy: string): string {
  const t = createdBy.trim();
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(t);
  if (nop) return t.slice(nop[0].length).trim();
  const run = /^\/bin\/sh -c /.exec(t);
  if (run) return `RUN ${t.slice(run[0].length).trim()}`;
  return t;
}

function shortId(id: string): string {
  // Layers built elsewhere have no local image id: the engine says `<missing>`.
  return id.startsWith('sha256:') ? id.slice(7, 19) : id || '<missing>';
}

export function formatHistory(ref: string, entries: readonly HistoryEntry[], nowMs: number): string {
  const total = entries.reduce((n, e) => n + (e.Size > 0 ? e.Size : 0), 0);
  const rows = entries.map((e) => ({
    id: shortId(e.Id),
    created: e.Created > 0 ? age(e.Created, nowMs) : '',
    size: humanSize(e.Size),
    by: instructionOf(e.CreatedBy ?? '').replace(/\s*\n\s*/g, ' ⏎ '),
    comment: e.Comment ?? '',
  }));
  const header = { id: 'IMAGE', created: 'CREATED', size: 'SIZE', by: 'CREATED BY (comment)', comment: '' };
  const all = [header, ...rows];
  const w = (k: 'id' | 'created' | 'size'): number => Math.max(...all.map((r) => r[k].length));
  const [wi, wc, ws] = [w('id'), w('created'), w('size')];
  const line = (r: typeof header): string =>
    `${r.id.padEnd(wi)}  ${r.created.padEnd(wc)}  ${r.size.padStart(ws)}  ${[r.by, r.comment && `(${r.comment})`].filter(Boolean).join('  ')}`.trimEnd();
  return [
    `History of ${ref}: ${entries.length} layer${entries.length === 1 ? '' : 's'}, ${humanSize(total)} in all (newest first)`,
    '',
    ...all.map(line),
    '',
  ].join('\n');
}
