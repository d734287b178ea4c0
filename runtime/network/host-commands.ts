// The `ip` and `iptables` invocations, in one place so tests can see exactly what touches the host;
// `run` is also how mounts are made (fs/overlay-mount.ts, rootless/inside.ts). They run from the
// command server (command-server.ts), not forked from the daemon's own large process.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { SystemError } from '../errdefs.js';
import { CommandServer, MAX_INPUT } from './command-server.js';

let server: CommandServer | null | undefined;

/** The command server, started on first use and again after it died; undefined without perl. */
function commandServer(): CommandServer | undefined {
  if (server === null) return undefined;
  if (!server?.alive) server = CommandServer.start() ?? null;
  return server ?? undefined;
}

/** Runs `cmd args` (through the command server, or forked from here without one); resolves with its stdout. */
export function run(cmd: string, args: string[], input?: string): Promise<string> {
  const s = input === undefined || Buffer.byteLength(input) <= MAX_INPUT ? commandServer() : undefined;
  if (!s) return runForked(cmd, args, input);
  return s.run(cmd, args, input).then((r) => {
    if (r.status === 0) return r.stdout;
    throw new SystemError(`${cmd} ${args.join(' ')}: ${(r.stderr || `Command failed: ${cmd} ${args.join(' ')} (exit status ${r.status})`).trim()}`);
  });
}

/**
 * `ip netns del NAME`: the namespace's file in /run/netns unmounted (lazily) and removed, by the
 * command server itself where it can (no `ip` run: 5-7 ms less on a container's removal).
 */
export async function deleteNetns(name: string): Promise<void> {
  const s = CommandServer.canUnmount() ? commandServer() : undefined;
  if (!s) { await ip(['netns', 'del', name]); return; }
  const r = await s.unmountRemove(`/run/netns/${name}`);
  if (r.status !== 0) throw new SystemError(`ip netns del ${name}: ${r.stderr.trim()}`);
}

function runForked(cmd: string, args: string[], input?: string): Promise<string> {
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
