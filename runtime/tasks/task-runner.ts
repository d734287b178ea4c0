// One-shot tasks: "run this command in a root filesystem made of these layers, with this config,
// stream its output, tell me the exit code". The builder's RUN steps use it. Unlike a container, a
// task has no monitor and does not outlive the daemon: runc is the daemon's child and the caller
// keeps the upper directory (the task's writes) to turn it into a layer.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ContainerConfig, HostConfig } from '../containers/api-types.js';
import { InvalidError, SystemError } from '../errdefs.js';
import { hostsFile, resolvConf } from './bundle.js';
import { isRuntimeErrorLine, runtimeError as runtimeErrorMessage } from './runtime-error.js';
import { buildSpec, type OciMount, type OciSpec } from './oci-spec.js';
import type { SecurityContext } from '../security/container-security.js';
import { resolveUser } from './user-resolve.js';
import type { Snapshotter } from '../snapshots/snapshotter.js';
import type { OciRuntime } from '../oci/oci-runtime.js';
import { cgroupDriver, type CgroupChoice } from '../cgroups/select.js';

/** What a task needs from the network service (NetworkService implements it). */
export interface TaskNetworks {
  attach(id: string, mode: string | undefined, ports: [], aliases: string[]): Promise<{ mode: 'none' | 'host' | 'netns'; netnsPath?: string; endpoints: Record<string, { IPAddress: string }> }>;
  detach(id: string): Promise<void>;
}

export interface TaskRequest {
  /**
   * A scratch directory the caller owns (created if missing, on the same filesystem as the layer
   * store so overlay works). The bundle, overlay work dir and /etc files go there; the caller
   * removes it when done with the upper directory.
   */
  dir: string;
  /** Image layer directories, bottom layer first (LayerStore.lowerDirs(top).reverse()); [] = scratch. */
  layerDirs: string[];
  /** Where the task's writes land (overlay upperdir); default `<dir>/upper`. */
  upperDir?: string;
  /** Cmd (and Entrypoint), Env, WorkingDir, User, Hostname, Tty as in a container create body. */
  config: ContainerConfig;
  /** Resources (Memory, NanoCpus, CpuShares, ShmSize, Ulimits...), NetworkMode (none|host|bridge|default), ExtraHosts, Dns, Binds-free. */
  hostConfig?: HostConfig;
  /** Extra mounts added to the spec as they are (the builder's RUN --mount). */
  mounts?: OciMount[];
  /** Bytes or a stream for the process's stdin; none = stdin at EOF. */
  stdin?: Buffer | Readable;
  /** Output as it comes, in order per stream. */
  onOutput?: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  /** Aborting kills the task (SIGKILL) and the run resolves with exit code 137. */
  signal?: AbortSignal;
  /**
   * The environment holds secret values (RUN --mount=type=secret,env=): the spec, which carries it,
   * is kept in memory-backed /dev/shm for the runtime to read, never written to the disk.
   */
  sensitiveEnv?: boolean;
}

export interface TaskResult {
  exitCode: number;
  /** The memory limit was hit and the kernel killed the process. */
  oomKilled: boolean;
  /** The overlay upper directory: what the task wrote (with overlay whiteouts for deletions). */
  upperDir: string;
  /** Where overlayfs put its opaque-directory marks in it (the snapshotter's markXattrs). */
  marks: 'trusted' | 'user';
}

export interface TaskRunnerDeps {
  /** The OCI runtime driver (the daemon's: the same runtime as its containers). */
  runtime: OciRuntime;
  networks: TaskNetworks;
  cgroupParent: string;
  /** The daemon mode's cgroup driver (daemon/engine-mode.ts); absent: cgroupfs. */
  cgroups?: CgroupChoice;
  initBinary?: string;
  /** The daemon's seccomp default and host facts: build steps are confined as containers are. */
  security: SecurityContext;
  /** The daemon's capability bounding set: what a privileged task (RUN --security=insecure) gets. */
  hostCapabilities?: string[];
  /** How the task's root is made from its layers (runtime/snapshots/). */
  snapshotter: Snapshotter;
  /** The daemon mode's changes to the spec (rootless). */
  adjust?: (spec: OciSpec) => OciSpec;
}

export class TaskRunner {
  constructor(private readonly d: TaskRunnerDeps) {}

  async run(req: TaskRequest): Promise<TaskResult> {
    if (!req.config.Cmd?.length && !req.config.Entrypoint?.length) throw new InvalidError('a task needs a command (Cmd)');
    // Hex like container IDs: the network service names the netns and veth after the first characters.
    const id = randomBytes(32).toString('hex');
    const bundle = join(req.dir, 'bundle');
    const upper = req.upperDir ?? join(req.dir, 'upper');
    const work = join(req.dir, 'work');
    const lowers = req.layerDirs.length ? req.layerDirs : [join(req.dir, 'empty')];
    let inMemory: string | undefined;
    await Promise.all([mkdir(join(bundle, 'rootfs'), { recursive: true }), mkdir(upper, { recursive: true }), mkdir(work, { recursive: true }), mkdir(lowers[0], { recursive: true })]);
    const hc = req.hostConfig ?? {};
    const etc = { hosts: join(req.dir, 'hosts'), resolvConf: join(req.dir, 'resolv.conf'), hostname: join(req.dir, 'hostname') };
    const rootfs = join(bundle, 'rootfs');
    const att = await this.d.networks.attach(id, hc.NetworkMode || 'bridge', [], []);
    try {
      const host = att.mode === 'host';
      const hostname = host ? (await readFile('/etc/hostname', 'utf8').catch(() => 'localhost')).trim() : req.config.Hostname || id.slice(0, 12);
      const addr = Object.values(att.endpoints)[0]?.IPAddress || undefined;
      await writeFile(etc.hostname, `${hostname}\n`);
      await writeFile(etc.hosts, host ? await readFile('/etc/hosts', 'utf8') : hostsFile(hostname, addr, hc.ExtraHosts ?? []));
      const hostResolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
      await writeFile(etc.resolvConf, resolvConf(hostResolv, hc.Dns ?? [], hc.DnsSearch ?? [], hc.DnsOptions ?? [], host));
      const user = await resolveUser(req.config.User ?? '', [upper, ...[...lowers].reverse()]);
      const root = await this.d.snapshotter.prepare({ layers: [...lowers].reverse(), upper, work, target: rootfs });
      const spec = buildSpec({
        id, config: req.config, hostConfig: hc, image: {}, user, rootMount: root.kind === 'spec-mount' ? root.mount : undefined, etcFiles: etc,
        network: att.mode === 'netns' ? { mode: 'netns', path: att.netnsPath! } : { mode: att.mode }, hostname, mounts: [],
        initBinary: this.d.initBinary, cgroupParent: this.d.cgroupParent, cgroups: this.d.cgroups, adjust: this.d.adjust,
        security: this.d.security, hostCapabilities: this.d.hostCapabilities,
      });
      if (req.mounts?.length) spec.mounts.push(...req.mounts);
      spec.process.terminal = false; // output is streamed, never a terminal
      delete spec.process.consoleSize;
      if (req.sensitiveEnv && existsSync('/dev/shm')) {
        // runc reads config.json through the link; the file goes when the task is over.
        inMemory = join('/dev/shm', `berth-spec-${id}.json`);
        await writeFile(inMemory, JSON.stringify(spec), { mode: 0o600 });
        await symlink(inMemory, join(bundle, 'config.json'));
      } else {
        await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
      }
      const exitCode = await this.spawn(id, bundle, req);
      const oomKilled = cgroupDriver(this.d.cgroupParent, this.d.cgroups).oomKills(id) > 0;
      return { exitCode, oomKilled, upperDir: upper, marks: this.d.snapshotter.markXattrs };
    } finally {
      if (inMemory) await rm(inMemory, { force: true }).catch(() => undefined);
      await this.d.runtime.forceDelete(id).catch(() => undefined);
      await this.d.snapshotter.release(rootfs).catch(() => undefined);
      await this.d.networks.detach(id).catch(() => undefined);
      await rm(work, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private spawn(id: string, bundle: string, req: TaskRequest): Promise<number> {
    return new Promise((resolve, reject) => {
      // keep: the cgroup stays until `delete`, so the OOM counter can still be read (where the runtime
      // can: with crun a RUN step's OOM kill is reported as its exit code only).
      const rt = this.d.runtime;
      const child = spawn(rt.binary, rt.commands.run(id, { bundle, keep: true }), { stdio: ['pipe', 'pipe', 'pipe'] });
      let runtimeError = '';
      child.stdout.on('data', (d: Buffer) => req.onOutput?.('stdout', d));
      child.stderr.on('data', (d: Buffer) => {
        // runc's own complaint (the process could not be started) is an error, not task output.
        const text = d.toString();
        if (isRuntimeErrorLine(text)) runtimeError = runtimeErrorMessage(text);
        else req.onOutput?.('stderr', d);
      });
      child.stdin.on('error', () => undefined);
      if (!req.stdin) child.stdin.end();
      else if (Buffer.isBuffer(req.stdin)) child.stdin.end(req.stdin);
      else req.stdin.pipe(child.stdin);
      // Every process of the task (rootless: killing pid 1 ends the pid namespace; the driver knows).
      const onAbort = (): void => { rt.kill(id, 'SIGKILL', true).catch(() => undefined); };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      if (req.signal?.aborted) onAbort();
      child.on('error', (err) => reject(new SystemError(`cannot start ${rt.binary}: ${err.message}`)));
      child.on('close', (code, sig) => {
        req.signal?.removeEventListener('abort', onAbort);
        if (runtimeError && code !== 0) {
          reject(new InvalidError(`the command could not be started: ${runtimeError}`));
          return;
        }
        resolve(code ?? (sig === 'SIGKILL' ? 137 : 128));
      });
    });
  }
}
