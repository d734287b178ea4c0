// `docker top`: the host's ps output, narrowed to the container's processes (as dockerd does it).
import { execFile } from 'node:child_process';
import { InvalidError } from '../errdefs.js';

export async function processTable(pids: number[], psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }> {
  const wanted = new Set(pids.map(String));
  const args = psArgs.split(/\s+/).filter(Boolean);
  const text = await new Promise<string>((resolve, reject) => execFile('ps', args, { maxBuffer: 16 << 20 }, (err, out, errOut) => (err ? reject(new InvalidError(`ps ${psArgs}: ${(errOut || err.message).trim()}`)) : resolve(out))));
  const lines = text.trim().split('\n');
  const titles = lines[0].trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw new InvalidError(`Couldn't find PID field in ps output: use ps options that print it`);
  // The last column (the command) may contain spaces.
  const rows = lines.slice(1).map((l) => { const f = l.trim().split(/\s+/); return [...f.slice(0, titles.length - 1), f.slice(titles.length - 1).join(' ')]; });
  return { Titles: titles, Processes: rows.filter((f) => wanted.has(f[pidCol])) };
}
