// Starts the bundled runtime core (dist/runtime.js) as its own process, or reuses one that already listens.
// It runs with VS Code's own Node (Electron as Node), so a user needs nothing else installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { pingSocket } from './ping.js';

export interface BundledEngineOptions {
  runtimeScript: string;
  socketPath: string;
  root: string;
  /** The Node binary: `process.execPath` inside VS Code, with ELECTRON_RUN_AS_NODE set. */
  nodePath: string;
  log: (line: string) => void;
  readyTimeoutMs?: number;
}

export class EngineStartError extends Error {}

/** Emits `exit` (code, signal) when a process we started ends. */
export class BundledEngine extends EventEmitter {
  private child: ChildProcess | undefined;
  private stopping = false;

  constructor(private readonly opts: BundledEngineOptions) {
    super();
  }

  /** True when this window started the process (and so stops it). */
  get owned(): boolean {
    return this.child !== undefined;
  }

  async ensureRunning(): Promise<'reused' | 'started'> {
    if (await pingSocket(this.opts.socketPath)) {
      this.opts.log(`Reusing the engine already listening on ${this.opts.socketPath}`);
      return 'reused';
    }
    await this.start();
    return 'started';
  }

  private start(): Promise<void> {
    const { nodePath, runtimeScript, socketPath, root, log } = this.opts;
    log(`Starting ${runtimeScript} --socket ${socketPath} --root ${root}`);
    this.stopping = false;
    const child = spawn(nodePath, [runtimeScript, '--socket', socketPath, '--root', root], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let tail = '';
    const onOutput = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-2000);
      for (const line of text.split('\n')) if (line.trim()) log(line);
    };
    child.stderr?.on('data', onOutput);

    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        if (ready) return;
        reject(new EngineStartError(`The bundled engine did not become ready within ${(this.opts.readyTimeoutMs ?? 20000) / 1000} s. Its log is in the "Berth Engine" output.`));
        child.kill('SIGTERM');
      }, this.opts.readyTimeoutMs ?? 20000);
      child.stdout?.on('data', (chunk: Buffer) => {
        onOutput(chunk);
        // berthd prints exactly one line when its socket is ready.
        if (!ready && chunk.includes(0x0a)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        this.child = undefined;
        reject(new EngineStartError(`Could not start the bundled engine: ${err.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.child = undefined;
        log(`The bundled engine exited (${signal ?? `code ${code}`})`);
        if (!ready) {
          const why = tail.trim().split('\n').slice(-3).join(' ');
          reject(new EngineStartError(`The bundled engine stopped before it was ready${why ? `: ${why}` : ''}`));
        } else if (!this.stopping) {
          this.emit('exit', code, signal);
        }
      });
    });
  }

  /** Stops the process if this window started it; SIGTERM lets it shut down cleanly. */
  async stop(timeoutMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
