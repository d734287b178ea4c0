// Subordinate id ranges (/etc/subuid, /etc/subgid) and the id maps made from them: the user's own id
// becomes 0 in the namespace, its ranges follow from 1 on, as Podman maps them.
export interface IdRange { start: number; count: number }

/** The ranges of `user` (matched by name or by numeric id) in the text of /etc/subuid or /etc/subgid. */
export function parseSubIds(text: string, user: { name?: string; id: number }): IdRange[] {
  const out: IdRange[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const [who, start, count] = t.split(':');
    if (who !== user.name && who !== String(user.id)) continue;
    const s = Number(start);
    const c = Number(count);
    if (Number.isInteger(s) && Number.isInteger(c) && s >= 0 && c > 0) out.push({ start: s, count: c });
  }
  return out;
}

/** Arguments for newuidmap/newgidmap after the pid: triples "inside outside count". */
export function mapArgs(ownId: number, ranges: IdRange[]): string[] {
  const args = ['0', String(ownId), '1'];
  let inside = 1;
  for (const r of ranges) {
    args.push(String(inside), String(r.start), String(r.count));
    inside += r.count;
  }
  return args;
}
