// Resolves Docker's User field ("name", "uid", "name:group", "uid:gid") against the container's
// /etc/passwd and /etc/group, read from the topmost rootfs layer that has them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidError } from '../errdefs.js';
import type { ResolvedUser } from './oci-spec.js';

interface PasswdEntry { name: string; uid: number; gid: number }
interface GroupEntry { name: string; gid: number; members: string[] }

export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2]) && /^\d+$/.test(f[3]))
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]) }));
}

export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]))
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

/** Pure part: resolves `spec` given the file contents (undefined when the file does not exist). */
export function resolveUserFrom(spec: string, passwd: string | undefined, group: string | undefined, extraGroups: string[] = []): ResolvedUser {
  const users = passwd ? parsePasswd(passwd) : [];
  const groups = group ? parseGroup(group) : [];
  const [userPart, groupPart] = (spec || '0').split(':', 2);
  let uid: number;
  let gid: number;
  let name: string | undefined;
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    const entry = users.find((u) => u.uid === uid);
    gid = entry?.gid ?? 0;
    name = entry?.name;
  } else {
    const entry = users.find((u) => u.name === userPart);
    if (!entry) throw new InvalidError(`unable to find user ${userPart}: no matching entries in passwd file`);
    ({ uid, gid, name } = entry);
  }
  const groupId = (g: string): number => {
    if (/^\d+$/.test(g)) return Number(g);
    const entry = groups.find((e) => e.name === g);
    if (!entry) throw new InvalidError(`unable to find group ${g}: no matching entries in group file`);
    return entry.gid;
  };
  if (groupPart !== undefined && groupPart !== '') gid = groupId(groupPart);
  const additional = new Set<number>();
  if (name) for (const g of groups) if (g.members.includes(name) && g.gid !== gid) additional.add(g.gid);
  for (const g of extraGroups) additional.add(groupId(g));
  return { uid, gid, additionalGids: [...additional] };
}

async function readFirst(dirs: string[], rel: string): Promise<string | undefined> {
  for (const dir of dirs) {
    try {
      return await readFile(join(dir, rel), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A 0/0 character device is an overlay whiteout: deleted in this layer, hidden below.
      if (code === 'ENXIO' || code === 'ENODEV') return undefined;
      if (code !== 'ENOENT') throw err;
    }
  }
  return undefined;
}

/** `dirsTopFirst`: the container's upper dir, then image layers from top to bottom. */
export async function resolveUser(spec: string, dirsTopFirst: string[], extraGroups: string[] = []): Promise<ResolvedUser> {
  // Numeric users still read the files: supplementary groups come from /etc/group membership.
  const passwd = await readFirst(dirsTopFirst, 'etc/passwd');
  const group = await readFirst(dirsTopFirst, 'etc/group');
  return resolveUserFrom(spec, passwd, group, extraGroups);
}
