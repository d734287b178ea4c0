// `exec` (a command in a service's running container) and `run` (a one-off container of a service),
// with the process's output and exit code passed through.
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { AttachedStreams, ComposeEngine } from '../engine/engine';
import type { ComposeProject } from '../model/types';
import { configHash } from './config-hash';
import { containerPlan } from './container-spec';
import { ensureImages } from './images';
import { FrameDemuxer, looksMultiplexed } from './log-lines';
import type { RunnerOutput } from './output';
import { projectContainers } from './project-state';
import { ensureNetworks, ensureVolumes } from './resources';
import { RunError } from './run-error';
import { selectServices, up } from './up';

export interface ProcessIo {
  readonly stdin?: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export interface ExecOptions {
  readonly service: string;
  readonly index: number;
  readonly command: readonly string[];
  readonly tty: boolean;
  readonly interactive: boolean;
  readonly user?: string;
  readonly workdir?: string;
  readonly env: readonly string[];
  readonly privileged: boolean;
  /** -d: start the command in the background and return at once (exit status 0). */
  readonly detach?: boolean;
}

export async function execInService(engine: ComposeEngine, project: ComposeProject, opts: ExecOptions, io: ProcessIo): Promise<number> {
  selectServices(project, [opts.service], false);
  const c = (await projectContainers(engine, project.name, { all: false, oneoff: false })).find((x) => x.service === opts.service && x.number === opts.index);
  if (!c) throw new RunError(`service "${opts.service}" is not running`);
  if (opts.detach) {
    await engine.execDetached(c.id, { Cmd: [...opts.command], Tty: opts.tty, User: opts.user, WorkingDir: opts.workdir, Env: [...opts.env], Privileged: opts.privileged });
    return 0;
  }
  const { streams, exitCode } = await engine.exec(c.id, {
    Cmd: [...opts.command], Tty: opts.tty, AttachStdin: opts.interactive, User: opts.user, WorkingDir: opts.workdir, Env: [...opts.env], Privileged: opts.privileged,
  });
  await relay(streams, io, opts.tty);
  return exitCode();
}

export interface RunOptions {
  readonly service: string;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly rm: boolean;
  readonly noDeps: boolean;
  readonly tty: boolean;
  readonly interactive: boolean;
  readonly user?: string;
  readonly workdir?: string;
  readonly env: readonly string[];
  readonly name?: string;
  readonly build: boolean;
  /** -d: create and start the container, print its name, return (with `rm`, the engine removes it when it exits). */
  readonly detach?: boolean;
}

export async function runOneOff(engine: ComposeEngine, project: ComposeProject, opts: RunOptions, out: RunnerOutput, io: ProcessIo): Promise<number> {
  const [s] = selectServices(project, [opts.service], false);
  const deps = Object.keys(s.dependsOn).filter((d) => d in project.services);
  if (!opts.noDeps && deps.length) {
    await up(engine, project, { services: deps, build: opts.build, forceRecreate: false, noRecreate: false, removeOrphans: false, noDeps: false, wait: false, start: true }, out);
  }
  await ensureNetworks(engine, project, new Set(Object.keys(s.networks)), out);
  await ensureVolumes(engine, project, new Set(s.volumes.flatMap((v) => (v.type === 'volume' && v.source ? [v.source] : []))), out);
  const image = (await ensureImages(engine, project, [s], { build: opts.build }, out)).get(s.name)!;
  const name = opts.name ?? `${project.name}-${s.name}-run-${randomBytes(6).toString('hex')}`;
  const plan = containerPlan({
    project, service: s, number: 1, name, image: image.ref, imageId: image.id, hash: configHash(s), oneoff: true,
    commandOverride: opts.command?.length ? opts.command : undefined, entrypointOverride: opts.entrypoint,
    extraEnv: opts.env, tty: opts.tty, stdin: opts.interactive, user: opts.user, workdir: opts.workdir,
  });
  if (opts.detach && opts.rm) {
    (plan.body.HostConfig as Record<string, unknown>).AutoRemove = true;
  }
  let id: string;
  try {
    id = await engine.createContainer(plan.name, plan.body);
    for (const n of plan.extraNetworks) await engine.connectNetwork(n.network, id, []);
  } catch (e) {
    throw new RunError(`cannot create a container for service "${s.name}": ${(e as Error).message}`);
  }
  if (opts.detach) {
    try {
      await engine.startContainer(id);
    } catch (e) {
      if (opts.rm) await engine.removeContainer(id, { force: true, volumes: true }).catch(() => undefined);
      throw new RunError(`cannot start the container of service "${s.name}": ${(e as Error).message}`);
    }
    io.stdout.write(`${plan.name}\n`);
    return 0;
  }
  try {
    const streams = await engine.attachContainer(id, { stdin: opts.interactive });
    const exited = engine.waitContainer(id, { nextExit: true });
    const relayed = relay(streams, io, opts.tty);
    try {
      await engine.startContainer(id);
    } catch (e) {
      throw new RunError(`cannot start the container of service "${s.name}": ${(e as Error).message}`);
    }
    const code = await exited;
    // The output has normally ended with the process; an engine that keeps the attach open gets 2 s.
    await Promise.race([relayed, new Promise((r) => setTimeout(r, 2000))]);
    return code;
  } finally {
    if (opts.rm) await engine.removeContainer(id, { force: true, volumes: true }).catch(() => undefined);
  }
}

/** Copies the process's output to stdout/stderr (demultiplexed without a TTY) and stdin to it. */
function relay(streams: AttachedStreams, io: ProcessIo, tty: boolean): Promise<void> {
  if (streams.input && io.stdin) {
    io.stdin.pipe(streams.input);
  }
  return new Promise((resolve, reject) => {
    const demux = new FrameDemuxer();
    let multiplexed: boolean | undefined;
    streams.output.on('data', (chunk: Buffer) => {
      multiplexed ??= !tty && looksMultiplexed(chunk);
      if (!multiplexed) { io.stdout.write(chunk); return; }
      for (const f of demux.push(chunk)) (f.stream === 'stderr' ? io.stderr : io.stdout).write(f.data);
    });
    streams.output.on('end', () => resolve());
    streams.output.on('close', () => resolve());
    streams.output.on('error', reject);
  });
}
