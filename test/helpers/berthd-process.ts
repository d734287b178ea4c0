// The one way tests and benchmarks start the built daemon (dist/runtime.js): spawn it (directly or
// through a wrapper such as setpriv), wait for its ready line, keep its stderr, stop it by signal.
// The fixtures (helpers/daemon.ts, containers/engine-fixture.ts, builder/helpers/build-engine.ts,
// rootless/rootless-fixture.ts) add their roots, network prefixes and teardown around it.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const RUNTIME_BUNDLE = resolve(__dirname, '../../dist/runtime.js');

export interface BerthdOptions {
  /** berthd's arguments (socket, root, net prefix, ...). */
  args: readonly string[];
  /** Runs berthd through another program: gets node and its arguments, gives the command line. */
  wrap?: (argv: readonly string[]) => readonly string[];
  /** More environment for berthd only (added to the test process's). */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the ready line; default 60 s (the machine may be loaded). */
  readyTimeoutMs?: number;
}

export interface BerthdProcess {
  /** Starts berthd (again, after a stop) and resolves with its ready line. */
  start(): Promise<string>;
  /** Sends `signal` and waits for the exit; SIGKILL when `killAfterMs` passes. No-op when not running. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
  running(): boolean;
  /** The running (or last) process. */
  child(): ChildProcess | undefined;
  /** Everything berthd has written to stderr, over all starts. */
  log(): string;
}

export function berthdProcess(opts: BerthdOptions): BerthdProcess {
  let child: ChildProcess | undefined;
  let stderr = '';
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const running = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;

  const start = (): Promise<string> => new Promise<string>((ready, fail) => {
    const argv = [process.execPath, RUNTIME_BUNDLE, ...opts.args];
    const [cmd, ...rest] = opts.wrap ? opts.wrap(argv) : argv;
    const c = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) });
    child = c;
    c.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    let out = '';
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      c.kill('SIGKILL');
      fail(new Error(`berthd did not print its ready line within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0 || settled) return;
      settled = true;
      clearTimeout(timer);
      c.stdout!.off('data', onData);
      c.stdout!.resume();
      ready(out.slice(0, nl));
    };
    c.stdout!.on('data', onData);
    c.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      fail(new Error(`berthd exited with ${code ?? signal} before it was ready; stderr: ${stderr}`));
    });
    c.once('error', (err) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      fail(err);
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', killAfterMs?: number): Promise<number | null> => {
    const c = child;
    if (!c || !running()) return c?.exitCode ?? null;
    const gone = new Promise<number | null>((done) => c.once('exit', (code) => done(code)));
    c.kill(signal);
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => c.kill('SIGKILL'), killAfterMs);
    const code = await gone;
    clearTimeout(timer);
    return code;
  };

  return { start, stop, running, child: () => child, log: () => stderr };
}
