// Where per-container id ranges come from, and which one a new container gets. As Podman's
// --userns=auto: the ranges of the user "containers" in /etc/subuid and /etc/subgid when both have
// some; otherwise a fixed pool Berth reserves, [1000000000, 2^31), minus every range /etc/subuid or
// /etc/subgid gives to anyone (so no user's rootless containers ever share ids with these).
// Allocations are the containers' records (ContainerRecord.IdMap): they survive a daemon restart
// with the records and are freed when a record is removed.
import { readFileSync } from 'node:fs';
import { UnavailableError } from '../errdefs.js';
import { parseSubIds, type IdRange } from '../rootless/id-ranges.js';

/** One container's ids: container ids 0..size-1 are host ids uid.. and gid.. */
export interface IdMap { uid: number; gid: number; size: number }

/** Ids per container: 0..65535, as Podman's auto default and Docker's userns-remap give. */
export const RANGE_SIZE = 65536;

export const FIXED_POOL: IdRange = { start: 1_000_000_000, count: 2 ** 31 - 1_000_000_000 };

export interface IdPool {
  /** Candidate ranges for uids and gids (slot i of one goes with slot i of the other). */
  uids: IdRange[];
  gids: IdRange[];
  /** Ranges no slot may overlap (other users' subordinate ids). */
  avoid: IdRange[];
  /** Where the pool comes from, for messages. */
  source: string;
}

/** The pool from the text of /etc/subuid and /etc/subgid. */
export function idPool(subuid: string, subgid: string): IdPool {
  const uids = parseSubIds(subuid, { name: 'containers', id: -1 });
  const gids = parseSubIds(subgid, { name: 'containers', id: -1 });
  if (uids.length && gids.length) return { uids, gids, avoid: [], source: 'the ranges of "containers" in /etc/subuid and /etc/subgid' };
  const avoid = [...allRanges(subuid), ...allRanges(subgid)];
  return { uids: [FIXED_POOL], gids: [FIXED_POOL], avoid, source: `Berth's reserved ids ${FIXED_POOL.start}-${FIXED_POOL.start + FIXED_POOL.count - 1}` };
}

export function hostIdPool(): IdPool {
  const read = (p: string): string => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };
  return idPool(read('/etc/subuid'), read('/etc/subgid'));
}

function allRanges(text: string): IdRange[] {
  const out: IdRange[] = [];
  for (const line of text.split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if (!who || who.startsWith('#')) continue;
    const s = Number(start);
    const c = Number(count);
    if (Number.isInteger(s) && Number.isInteger(c) && c > 0) out.push({ start: s, count: c });
  }
  return out;
}

const overlaps = (a: IdRange, b: IdRange): boolean => a.start < b.start + b.count && b.start < a.start + a.count;

/** Slot starts of RANGE_SIZE ids inside `ranges`, in order. */
function* slots(ranges: IdRange[]): Generator<number> {
  for (const r of ranges) for (let s = r.start; s + RANGE_SIZE <= r.start + r.count; s += RANGE_SIZE) yield s;
}

/** The first free range: disjoint from every map in `used` (uids and gids alike) and from the pool's `avoid`. */
export function allocateIdMap(pool: IdPool, used: IdMap[]): IdMap {
  const uidSlots = slots(pool.uids);
  const gidSlots = slots(pool.gids);
  const taken = (start: number, kind: 'uid' | 'gid'): boolean => {
    const r = { start, count: RANGE_SIZE };
    return pool.avoid.some((a) => overlaps(a, r)) || used.some((m) => overlaps({ start: m[kind], count: m.size }, r));
  };
  for (;;) {
    const u = uidSlots.next();
    const g = gidSlots.next();
    if (u.done || g.done) break;
    if (!taken(u.value, 'uid') && !taken(g.value, 'gid')) return { uid: u.value, gid: g.value, size: RANGE_SIZE };
  }
  throw new UnavailableError(`no free range of ${RANGE_SIZE} ids is left for a container user namespace in ${pool.source}: remove containers, or give "containers" more ranges in /etc/subuid and /etc/subgid`);
}
