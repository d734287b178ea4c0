// RUN's structured flags: `--mount=type=cache,target=/x`, `--network=none`, `--security=insecure`,
// `--device=name,required`. The rules and messages follow BuildKit's instructions package.
// Mount values may hold variables; BuildKit checks them after expansion, so pass an expander
// (the builder does) or leave it out to check only what is knowable before expansion.

export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type CacheSharing = 'shared' | 'private' | 'locked';

export interface RunMount {
  readonly type: MountType;
  readonly from: string | null;
  readonly source: string | null;
  readonly target: string | null;
  readonly readOnly: boolean;
  /** tmpfs size in bytes. */
  readonly sizeLimit: number | null;
  readonly id: string | null;
  readonly sharing: CacheSharing | null;
  readonly required: boolean;
  readonly env: string | null;
  readonly mode: number | null;
  readonly uid: number | null;
  readonly gid: number | null;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Splits one CSV record as Go's encoding/csv does (quoted fields, `""` inside quotes). */
export function csvFields(text: string): Parsed<string[]> {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        if (i >= text.length) return { ok: false, error: 'extraneous or missing " in quoted-field' };
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',') return { ok: false, error: 'extraneous or missing " in quoted-field' };
      fields.push(field);
    } else {
      const comma = text.indexOf(',', i);
      const field = text.slice(i, comma < 0 ? text.length : comma);
      if (field.includes('"')) return { ok: false, error: 'bare " in non-quoted-field' };
      fields.push(field);
      i = comma < 0 ? text.length : comma;
    }
    if (i >= text.length) return { ok: true, value: fields };
    i++; // the comma
  }
}

/** Go's strconv.ParseBool. */
export function parseGoBool(v: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return null;
}

/** docker/go-units RAMInBytes: `64m`, `1.5GiB`, `512` (binary multiples). */
export function parseRamBytes(v: string): number | null {
  const m = /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i.exec(v);
  if (!m) return null;
  const n = Number.parseFloat(m[1]);
  if (!Number.isFinite(n)) return null;
  const power = m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.floor(n * 1024 ** power);
}

const MOUNT_TYPES = new Set<string>(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
const SHARING = new Set<string>(['shared', 'private', 'locked']);
const MOUNT_KEYS = ['type', 'from', 'source', 'target', 'readonly', 'id', 'sharing', 'required', 'size', 'mode', 'uid', 'gid',
  'src', 'dst', 'destination', 'ro', 'rw', 'readwrite', 'env'];

const hasVariable = (v: string): boolean => v.includes('$');

/**
 * Parses a `--mount` value. Without `expand`, values holding `$` are not judged (BuildKit expands
 * them at build time), except `from`, which may never use variables.
 */
export function parseMount(text: string, expand?: (value: string) => Parsed<string>): Parsed<RunMount> {
  const csv = csvFields(text);
  if (!csv.ok) return { ok: false, error: `failed to parse csv mounts: ${csv.error}` };
  const m = {
    type: 'bind' as MountType, from: null as string | null, source: null as string | null, target: null as string | null,
    readOnly: false, sizeLimit: null as number | null, id: null as string | null, sharing: null as CacheSharing | null,
    required: false, env: null as string | null, mode: null as number | null, uid: null as number | null, gid: null as number | null,
  };
  let roAuto = true;
  // `type=$T`: the type is known only after expansion, so type-dependent rules wait too.
  let typeKnown = true;
  // mode/uid/gid given as variables: present, value unknown until expansion.
  const present = new Set<string>();
  const fail = (error: string): Parsed<RunMount> => ({ ok: false, error });
  for (const field of csv.value) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro') { m.readOnly = true; roAuto = false; continue; }
      if (key === 'readwrite' || key === 'rw') { m.readOnly = false; roAuto = false; continue; }
      if (key === 'required') {
        if (m.type === 'secret' || m.type === 'ssh' || !typeKnown) { m.required = true; continue; }
        return fail(`unexpected key '${key}' for mount type '${m.type}'`);
      }
      return fail(`invalid field '${field}' must be a key=value pair`);
    }
    let value = field.slice(eq + 1);
    if (key === 'from' && !expand) {
      const dollar = value.indexOf('$');
      if (dollar !== -1 && dollar !== value.length - 1) return fail(`'from' doesn't support variable expansion, define alias stage instead`);
    }
    if (expand) {
      const r = expand(value);
      if (!r.ok) return fail(r.error);
      value = r.value;
    }
    const unknown = !expand && hasVariable(value);
    switch (key) {
      case 'type': {
        if (unknown) { typeKnown = false; break; }
        const t = value.toLowerCase();
        if (!MOUNT_TYPES.has(t)) return fail(`unsupported mount type "${value}"; use bind, cache, tmpfs, secret or ssh`);
        m.type = t as MountType;
        break;
      }
      case 'from': m.from = value; break;
      case 'source': case 'src': m.source = value; break;
      case 'target': case 'dst': case 'destination': m.target = value; break;
      case 'readonly': case 'ro': case 'readwrite': case 'rw': {
        roAuto = false;
        if (unknown) break;
        const b = parseGoBool(value);
        if (b === null) return fail(`invalid value for ${key}: ${value}`);
        m.readOnly = key === 'readonly' || key === 'ro' ? b : !b;
        break;
      }
      case 'required': {
        if (typeKnown && m.type !== 'secret' && m.type !== 'ssh') return fail(`unexpected key '${key}' for mount type '${m.type}'`);
        if (unknown) break;
        const b = parseGoBool(value);
        if (b === null) return fail(`invalid value for ${key}: ${value}`);
        m.required = b;
        break;
      }
      case 'size': {
        if (typeKnown && m.type !== 'tmpfs') return fail(`unexpected key '${key}' for mount type '${m.type}'`);
        if (unknown) break;
        const n = parseRamBytes(value);
        if (n === null) return fail(`invalid value for ${key}: ${value}`);
        m.sizeLimit = n;
        break;
      }
      case 'id': m.id = value; break;
      case 'sharing': {
        if (unknown) break;
        const s = value.toLowerCase();
        if (!SHARING.has(s)) return fail(`unsupported sharing value "${value}"; use shared, private or locked`);
        m.sharing = s as CacheSharing;
        break;
      }
      case 'mode': {
        if (unknown) { present.add('mode'); break; }
        if (!/^[0-7]+$/.test(value) || Number.parseInt(value, 8) > 0xffffffff) return fail(`invalid value ${value} for mode`);
        m.mode = Number.parseInt(value, 8);
        break;
      }
      case 'uid': case 'gid': {
        if (unknown) { present.add(key); break; }
        if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) return fail(`invalid value ${value} for ${key}`);
        m[key] = Number(value);
        break;
      }
      case 'env': m.env = value; break;
      default: {
        const hint = closest(key, MOUNT_KEYS);
        return fail(`unexpected key '${key}' in '${field}'${hint ? ` (did you mean ${hint}?)` : ''}`);
      }
    }
  }
  if (!typeKnown) return { ok: true, value: m };
  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  if (!fileInfoAllowed) {
    if (m.mode !== null || present.has('mode')) return fail(`mode not allowed for "${m.type}" type mounts`);
    if (m.uid !== null || present.has('uid')) return fail(`uid not allowed for "${m.type}" type mounts`);
    if (m.gid !== null || present.has('gid')) return fail(`gid not allowed for "${m.type}" type mounts`);
  }
  if (roAuto) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  if (m.type === 'secret') {
    if (m.from !== null) return fail('secret mount should not have a from');
    if (m.sharing !== null) return fail('secret mount should not define sharing');
    if (m.source === null && m.target === null && m.id === null) return fail('invalid secret mount. one of source, target required');
    if (m.source !== null && m.id !== null) return fail("both source and id can't be set");
  }
  if (m.sharing !== null && m.type !== 'cache') return fail(`invalid cache sharing set for ${m.type} mount`);
  return { ok: true, value: m };
}

function closest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const o of options) {
    const d = editDistance(word, o);
    if (d < bestD) { best = o; bestD = d; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
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

export type NetworkMode = 'default' | 'none' | 'host';

export function parseNetwork(value: string): Parsed<NetworkMode> {
  if (value === 'default' || value === 'none' || value === 'host') return { ok: true, value };
  return { ok: false, error: `invalid network mode "${value}"; use default, none or host` };
}

export type SecurityMode = 'sandbox' | 'insecure';

export function parseSecurity(value: string): Parsed<SecurityMode> {
  if (value === 'sandbox' || value === 'insecure') return { ok: true, value };
  return { ok: false, error: `security "${value}" is not valid; use sandbox or insecure` };
}

export interface RunDevice {
  readonly name: string;
  readonly required: boolean;
}

export function parseDevice(text: string): Parsed<RunDevice> {
  const csv = csvFields(text);
  if (!csv.ok) return { ok: false, error: `failed to parse csv devices: ${csv.error}` };
  let name = '';
  let required = false;
  for (const field of csv.value) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      if (key === 'required') { required = true; continue; }
      if (name === '') { name = field; continue; }
      return { ok: false, error: `invalid field '${field}' must be a key=value pair` };
    }
    const value = field.slice(eq + 1);
    if (key === 'name') {
      if (name !== '') return { ok: false, error: `device name already set to ${name}` };
      name = value;
    } else if (key === 'required') {
      const b = parseGoBool(value);
      if (b === null) return { ok: false, error: `invalid value for ${key}: ${value}` };
      required = b;
    } else if (name === '') {
      name = field;
    } else {
      return { ok: false, error: `unexpected key '${key}' in '${field}'` };
    }
  }
  return { ok: true, value: { name, required } };
}
