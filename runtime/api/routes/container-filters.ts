// GET /containers/json filters and POST /containers/prune filters, as moby applies them.
import { InvalidError } from '../../errdefs.js';
import type { ContainerRecord } from '../../containers/record.js';
import { parseTimestamp, type Filters } from '../../filters.js';

const LIST_FILTERS = ['status', 'name', 'id', 'label', 'ancestor', 'exited', 'network', 'volume', 'before', 'since', 'health', 'is-task', 'publish', 'expose'];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

function labelMatches(labels: Record<string, string>, v: string): boolean {
  const eq = v.indexOf('=');
  return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1);
}

/** One filter value against one container. `lookup` resolves names/IDs for before/since. */
function matches(r: ContainerRecord, key: string, v: string, lookup: (ref: string) => ContainerRecord): boolean {
  switch (key) {
    case 'status':
      if (!STATUSES.includes(v)) throw new InvalidError(`invalid filter 'status=${v}'`);
      return r.State.Status === v;
    case 'name': {
      let re: RegExp;
      try { re = new RegExp(v); } catch { throw new InvalidError(`invalid filter 'name=${v}': not a regular expression`); }
      return re.test(r.Name) || re.test(r.Name.slice(1));
    }
    case 'id': return r.Id.startsWith(v);
    case 'label': return labelMatches(r.Config.Labels ?? {}, v);
    case 'ancestor': return r.ImageName === v || r.ImageName === `${v}:latest` || r.Image === v || r.Image.startsWith(`sha256:${v}`) || r.Image === `sha256:${v}`;
    case 'exited': return r.State.Status === 'exited' && String(r.State.ExitCode) === v;
    case 'network': return Object.entries(r.Networks).some(([name, e]) => name === v || e.NetworkID.startsWith(v));
    case 'volume': return r.Mounts.some((m) => m.Name === v || m.Destination === v || m.Source === v);
    case 'health': return (r.State.Health?.Status ?? 'none') === v;
    case 'before': return r.Created < lookup(v).Created;
    case 'since': return r.Created > lookup(v).Created;
    case 'is-task': return v === 'false';
    case 'publish': case 'expose': {
      const key2 = v.includes('/') ? v : `${v}/tcp`;
      return key === 'publish' ? key2 in r.Ports : key2 in (r.Config.ExposedPorts ?? {});
    }
    default: throw new InvalidError(`invalid filter '${key}'`);
  }
}

/** The containers `docker ps` shows: running ones unless `all` or a status filter. Newest first. */
export function listContainers(all: ContainerRecord[], showAll: boolean, f: Filters, lookup: (ref: string) => ContainerRecord): ContainerRecord[] {
  for (const k of f.keys()) if (!LIST_FILTERS.includes(k)) throw new InvalidError(`invalid filter '${k}'`);
  return all.filter((r) => {
    if (!showAll && !f.has('status') && !['running', 'paused', 'restarting'].includes(r.State.Status)) return false;
    // Labels must all match (moby's MatchKVList: docker-compose asks for project=X and oneoff=False
    // together); the values of any other filter are alternatives.
    for (const [k, vals] of f) if (vals.length && !(k === 'label' ? vals.every : vals.some).call(vals, (v) => matches(r, k, v, lookup))) return false;
    return true;
  }).sort((a, b) => b.Created.localeCompare(a.Created));
}

/** Prune filters: until (timestamp or duration), label, label!. */
export function pruneFilter(f: Filters, now = Date.now()): (r: ContainerRecord) => boolean {
  for (const k of f.keys()) if (!['until', 'label', 'label!'].includes(k)) throw new InvalidError(`invalid filter '${k}'`);
  const until = f.get('until')?.map((v) => untilMs(v, now));
  return (r) => {
    const labels = r.Config.Labels ?? {};
    if (until?.length && !until.some((u) => Date.parse(r.Created) < u)) return false;
    if (f.get('label')?.some((v) => !labelMatches(labels, v))) return false;
    if (f.get('label!')?.some((v) => labelMatches(labels, v))) return false;
    return true;
  };
}

/** "10m", "1h30m", "24h" (Go durations) or a timestamp, as the prune `until` filter takes them. */
export function untilMs(v: string, now: number): number {
  const dur = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (dur && v) return now - ((Number(dur[1] ?? 0) * 60 + Number(dur[2] ?? 0)) * 60 + Number(dur[3] ?? 0)) * 1000;
  return Number(parseTimestamp(v, 'until') / 1_000_000n);
}
