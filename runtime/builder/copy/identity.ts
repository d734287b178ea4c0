// `--chown=user[:group]` as the legacy builder reads it: numbers are taken as they are; names are
// looked up in the image's /etc/passwd and /etc/group; a lone user also names the group.
import { InvalidError } from '../../errdefs.js';
import { readPath, type FileTree } from '../fs/file-tree.js';

export interface Identity {
  uid: number;
  gid: number;
}

export async function resolveChown(chown: string, view: FileTree): Promise<Identity> {
  const parts = chown.split(':');
  if (parts.length > 2) throw new InvalidError(`invalid chown string format: ${chown}`);
  const [user, group] = parts.length === 1 ? [parts[0], parts[0]] : parts;
  const fail = (what: string, err: string): never => {
    throw new InvalidError(`unable to convert uid/gid chown string to host mapping: can't find ${what}: ${err}`);
  };
  const uid = await lookup(user, view, '/etc/passwd', 2).catch((e: Error) => fail(`uid for user ${user}`, e.message));
  const gid = await lookup(group, view, '/etc/group', 2).catch((e: Error) => fail(`gid for group ${group}`, e.message));
  return { uid, gid };
}

async function lookup(name: string, view: FileTree, file: string, idField: number): Promise<number> {
  if (/^\d+$/.test(name)) return Number(name);
  const text = await readPath(view, file);
  if (text === undefined) throw new Error(`open ${file}: no such file or directory`);
  for (const line of text.toString('utf8').split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length > idField && /^\d+$/.test(fields[idField])) return Number(fields[idField]);
  }
  throw new Error(file.endsWith('passwd') ? `no such user: ${name}` : `no such group: ${name}`);
}
