// The `ip` and `iptables` invocations, in one place so tests can see exactly what touches the host;
// `run` is also how mounts are made (fs/overlay-mount.ts, rootless/inside.ts).
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { SystemError } from '../errdefs.js';

export function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, (err, stdout, stderr) => {
      if (err) reject(new SystemError(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export const ip = (args: string[]): Promise<string> => run('ip', args);
/** `force`: a failing line does not stop the ones after it (ip's -force). */
export const ipBatch = (lines: string[], netns?: string, opts: { force?: boolean } = {}): Promise<string> =>
  run('ip', [...(netns ? ['-n', netns] : []), ...(opts.force ? ['-force'] : []), '-batch', '-'], `${lines.join('\n')}\n`);

/** Adds an iptables rule unless the same rule is already there (-C first). */
export async function iptablesEnsure(table: string, chain: string, rule: string[], insert = false): Promise<void> {
  try {
    await run('iptables', ['-w', '-t', table, '-C', chain, ...rule]);
  } catch {
    await run('iptables', ['-w', '-t', table, insert ? '-I' : '-A', chain, ...rule]);
  }
}

export async function iptablesDelete(table: string, chain: string, rule: string[]): Promise<void> {
  try { await run('iptables', ['-w', '-t', table, '-D', chain, ...rule]); } catch { /* already gone */ }
}

/**
 * Deletes every rule in one iptables-restore run (one process instead of one per rule). All or nothing:
 * when one rule is not there the run fails and changes nothing, so the caller can delete them one by one.
 */
export async function iptablesDeleteAll(rules: readonly (readonly [table: string, chain: string, rule: readonly string[]])[]): Promise<void> {
  const tables = [...new Set(rules.map(([t]) => t))];
  const text = tables.map((t) => [`*${t}`, ...rules.filter(([rt]) => rt === t).map(([, chain, rule]) => ['-D', chain, ...rule].join(' ')), 'COMMIT'].join('\n')).join('\n');
  await run('iptables-restore', ['-w', '--noflush'], `${text}\n`);
}

export async function iptablesChain(table: string, chain: string): Promise<void> {
  try { await run('iptables', ['-w', '-t', table, '-N', chain]); } catch { /* exists */ }
}

export async function sysctl(key: string, value: string): Promise<void> {
  await writeFile(`/proc/sys/${key.replace(/\./g, '/')}`, value);
}
