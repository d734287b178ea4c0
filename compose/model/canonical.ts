// One file's services in the long form, so that files, includes and extends merge key by key:
// list-or-mapping keys become mappings, short syntaxes become their long form, relative paths become
// absolute (against the folder the caller names: the project directory for -f files, the file's own for
// included and extended files).
import * as os from 'node:os';
import * as path from 'node:path';
import { KeyError, type KeyPath } from './problem';

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `dir`: the folder relative paths in this file are resolved against. */
export function canonicalService(svc: Obj, dir: string, at: KeyPath): Obj {
  const out: Obj = { ...svc };
  if (typeof out.build === 'string') out.build = { context: out.build };
  if (isObj(out.build)) {
    const b: Obj = { ...out.build };
    const ctx = typeof b.context === 'string' ? b.context : '.';
    if (!/^[a-z]+:\/\//.test(ctx) && !ctx.startsWith('git@')) b.context = resolvePath(dir, ctx);
    if (b.args !== undefined) b.args = listOrDict(b.args, [...at, 'build', 'args']);
    if (b.labels !== undefined) b.labels = listOrDict(b.labels, [...at, 'build', 'labels']);
    out.build = b;
  }
  for (const key of ['environment', 'labels']) if (out[key] !== undefined) out[key] = listOrDict(out[key], [...at, key]);
  if (out.extra_hosts !== undefined) out.extra_hosts = extraHosts(out.extra_hosts, [...at, 'extra_hosts']);
  if (out.env_file !== undefined) {
    const list = Array.isArray(out.env_file) ? out.env_file : [out.env_file];
    out.env_file = list.map((e) => (typeof e === 'string' ? { path: resolvePath(dir, e), required: true } : { required: true, ...(e as Obj), path: resolvePath(dir, String((e as Obj).path)) }));
  }
  if (Array.isArray(out.depends_on)) {
    out.depends_on = Object.fromEntries(out.depends_on.map((s) => [String(s), { condition: 'service_started', required: true }]));
  } else if (isObj(out.depends_on)) {
    out.depends_on = Object.fromEntries(Object.entries(out.depends_on).map(([k, v]) => [k, { condition: 'service_started', required: true, ...(v as Obj) }]));
  }
  if (Array.isArray(out.networks)) out.networks = Object.fromEntries(out.networks.map((n) => [String(n), null]));
  if (typeof out.tmpfs === 'string') out.tmpfs = [out.tmpfs];
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map((v, i) => volumeLong(v, dir, [...at, 'volumes', i]));
  if (isObj(out.extends) && typeof out.extends.file === 'string') out.extends = { ...out.extends, file: resolvePath(dir, out.extends.file) };
  else if (typeof out.extends === 'string') out.extends = { service: out.extends };
  return out;
}

export function resolvePath(dir: string, p: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(dir, p);
}

export function listOrDict(v: unknown, at: KeyPath): Obj {
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? null : String(x)]));
  if (!Array.isArray(v)) throw new KeyError(at, 'must be a list of KEY=VALUE or a mapping');
  const out: Obj = {};
  for (const item of v) {
    const s = String(item);
    const eq = s.indexOf('=');
    if (eq < 0) out[s] = null;
    else out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

function extraHosts(v: unknown, at: KeyPath): Obj {
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Array.isArray(x) ? x.map(String) : [String(x)]]));
  if (!Array.isArray(v)) throw new KeyError(at, 'must be a list of HOST:IP or a mapping');
  const out: Record<string, string[]> = {};
  v.forEach((item, i) => {
    const s = String(item);
    // HOST=IP, or HOST:IP where the IP may itself contain ':' (IPv6).
    const sep = s.includes('=') ? s.indexOf('=') : s.indexOf(':');
    if (sep <= 0) throw new KeyError([...at, i], `"${s}" is not HOST:IP`);
    (out[s.slice(0, sep)] ??= []).push(s.slice(sep + 1).replace(/^\[(.*)\]$/, '$1'));
  });
  return out;
}

/** The short syntax SOURCE:TARGET[:MODE] or TARGET, as the long form {type, source, target, read_only}. */
function volumeLong(v: unknown, dir: string, at: KeyPath): Obj {
  if (isObj(v)) {
    const out: Obj = { ...v };
    if (out.type === 'bind' && typeof out.source === 'string') out.source = resolvePath(dir, out.source);
    return out;
  }
  const parts = String(v).split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw new KeyError(at, `"${String(v)}" is not SOURCE:TARGET[:MODE] or TARGET`);
  if (parts.length === 1) return { type: 'volume', target: parts[0] };
  const [source, target, mode = 'rw'] = parts;
  const modes = mode.split(',');
  for (const m of modes) if (!['ro', 'rw', 'z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent'].includes(m)) throw new KeyError(at, `unknown volume mode "${m}"`);
  const isPath = source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
  const out: Obj = { type: isPath ? 'bind' : 'volume', source: isPath ? resolvePath(dir, source) : source, target };
  if (modes.includes('ro')) out.read_only = true;
  if (modes.includes('nocopy')) out.volume = { nocopy: true };
  if (modes.some((m) => m === 'z' || m === 'Z')) out.bind = { selinux: modes.find((m) => m === 'z' || m === 'Z') };
  return out;
}
