// One shellcheck process over a list of shell scripts: each script is written to a file in a
// fresh berth-shellcheck-* temporary folder (ShellCheck reads files; one process checks them all),
// ShellCheck's json1 comments come back per script. The folder goes on every path: after the run,
// after a failure, after the run was aborted (the process is killed first), and, for runs still
// going when this process exits, synchronously from an exit hook, which also kills their process.
import { execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Severity } from './types';

/** ShellCheck could not be run (not installed, not executable, crashed). */
export class ShellcheckUnavailable extends Error {}

export function shellcheckNotFound(exe: string): ShellcheckUnavailable {
  return new ShellcheckUnavailable(`ShellCheck was not found as "${exe}": install shellcheck (apt-get install shellcheck) or give its path`);
}

export interface ShellcheckComment {
  readonly line: number;
  readonly endLine: number;
  readonly column: number;
  readonly endColumn: number;
  readonly level: Severity;
  readonly code: number;
  readonly message: string;
  readonly fix: { readonly replacements: readonly ShellcheckReplacement[] } | null;
}

export interface ShellcheckReplacement {
  readonly line: number;
  readonly endLine: number;
  readonly column: number;
  readonly endColumn: number;
  readonly replacement: string;
}

export interface ShellcheckProcessOptions {
  /** `shellcheck` on PATH by default, or a path. */
  readonly executable?: string;
  readonly signal?: AbortSignal;
  /** Run at the lowest CPU priority (nice 19), so an editor's own work comes first. */
  readonly lowPriority?: boolean;
}

// hadolint leaves these out: ash is checked as dash (2187) and `source` needs directives (1090, 1091).
export const EXCLUDED_CODES: readonly string[] = ['SC1090', 'SC1091', 'SC2187'];

/** Folders and processes of runs still going, cleaned up if this process exits under them. */
const live = new Map<string, ChildProcess | null>();
let exitHook = false;

function cleanUpAtExit(): void {
  for (const [dir, child] of live) {
    try {
      child?.kill('SIGKILL');
    } catch {
      // Already gone.
    }
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Nothing more can be done while exiting.
    }
  }
  live.clear();
}

/** Runs shellcheck once over `scripts`; the result has one list of comments per script, in order. */
export async function runShellcheckProcess(scripts: readonly string[], options: ShellcheckProcessOptions = {}): Promise<ShellcheckComment[][]> {
  if (scripts.length === 0) return [];
  options.signal?.throwIfAborted();
  if (!exitHook) {
    exitHook = true;
    process.once('exit', cleanUpAtExit);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-shellcheck-'));
  live.set(dir, null);
  try {
    const files = scripts.map((_, k) => path.join(dir, `run${k}.sh`));
    await Promise.all(scripts.map((text, k) => writeFile(files[k], text)));
    options.signal?.throwIfAborted();
    const index = new Map(files.map((f, k) => [f, k]));
    const comments = await execShellcheck(options.executable ?? 'shellcheck', ['-f', 'json1', '-e', EXCLUDED_CODES.join(','), ...files], dir, options);
    const out: ShellcheckComment[][] = scripts.map(() => []);
    for (const c of comments) {
      const k = index.get(path.resolve(dir, c.file));
      if (k !== undefined) out[k].push(c);
    }
    return out;
  } finally {
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/** A ShellCheck that hangs must not hold its scripts (and an editor's findings) forever. */
const RUN_TIMEOUT_MS = 120_000;

function execShellcheck(exe: string, args: string[], dir: string, options: ShellcheckProcessOptions): Promise<(ShellcheckComment & { file: string })[]> {
  const signal = options.signal;
  return new Promise((resolve, reject) => {
    const child = execFile(exe, args, { cwd: dir, signal, maxBuffer: 64 * 1024 * 1024, timeout: RUN_TIMEOUT_MS }, (err, stdout, stderr) => {
      // Exit status 1 just means "found something".
      const code = (err as NodeJS.ErrnoException & { code?: unknown } | null)?.code;
      if (err && (err.name === 'AbortError' || signal?.aborted)) return reject(err);
      const killedBy = (err as { signal?: string | null } | null)?.signal;
      if (killedBy) {
        const late = (err as { killed?: boolean }).killed ? ` after ${RUN_TIMEOUT_MS / 1000} s` : '';
        return reject(new ShellcheckUnavailable(`ShellCheck ("${exe}") was ended by ${killedBy}${late}`));
      }
      if (err && typeof code === 'string') {
        return reject(code === 'ENOENT' ? shellcheckNotFound(exe) : new ShellcheckUnavailable(`ShellCheck could not be started as "${exe}": ${err.message}`));
      }
      try {
        resolve((JSON.parse(stdout) as { comments: (ShellcheckComment & { file: string })[] }).comments);
      } catch {
        reject(new ShellcheckUnavailable(`ShellCheck ("${exe}") gave no readable output${stderr ? `: ${stderr.trim().split('\n')[0]}` : ''}`));
      }
    });
    if (live.has(dir)) live.set(dir, child);
    if (options.lowPriority && child.pid !== undefined) {
      try {
        os.setPriority(child.pid, 19);
      } catch {
        // It exited already, or the system refuses: it runs at normal priority.
      }
    }
  });
}

/** The file `exe` names (a path, or a command looked up on PATH), or null when there is none to
 *  run: found without starting a process, so a missing ShellCheck costs a few stat calls. */
export function locateExecutable(exe: string, envPath = process.env.PATH ?? ''): string | null {
  const runnable = (f: string) => {
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  };
  if (exe.includes('/')) return runnable(exe) ? path.resolve(exe) : null;
  for (const d of envPath.split(path.delimiter)) {
    if (!d) continue;
    const f = path.join(d, exe);
    if (runnable(f)) return f;
  }
  return null;
}
