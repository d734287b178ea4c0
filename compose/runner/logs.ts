// `logs` (and the foreground of `up`): every container's output, line by line with its prefix,
// followed until the containers stop when asked.
import type { Readable } from 'node:stream';
import type { ComposeEngine } from '../engine/engine';
import type { ComposeProject } from '../model/types';
import { FrameDemuxer, LineSplitter, looksMultiplexed, Prefixer } from './log-lines';
import { projectContainers, type ServiceContainer } from './project-state';

export interface LogOptions {
  readonly services: readonly string[];
  readonly follow: boolean;
  readonly tail?: number;
  readonly timestamps: boolean;
  readonly colour: boolean;
  /** Without prefixes (--no-log-prefix). */
  readonly noPrefix?: boolean;
  /** Unix seconds: only output from then on (the foreground of up shows this run's output). */
  readonly since?: number;
}

/** The name a log line is prefixed with: the container name without the project ("web-1"). */
export function shortName(project: string, containerName: string): string {
  return containerName.startsWith(`${project}-`) ? containerName.slice(project.length + 1) : containerName;
}

export async function logs(engine: ComposeEngine, project: ComposeProject, opts: LogOptions, write: (line: string) => void): Promise<void> {
  const containers = (await projectContainers(engine, project.name, { all: true, oneoff: false }))
    .filter((c) => opts.services.length === 0 || opts.services.includes(c.service));
  await streamLogs(engine, project.name, containers, opts, write);
}

export async function streamLogs(
  engine: ComposeEngine,
  project: string,
  containers: readonly Pick<ServiceContainer, 'id' | 'name' | 'service'>[],
  opts: LogOptions,
  write: (line: string) => void,
  /** Called when a container's log ends (it stopped, when following). */
  onEnd?: (c: Pick<ServiceContainer, 'id' | 'name' | 'service'>, shortName: string) => Promise<void>,
): Promise<void> {
  const width = Math.max(0, ...containers.map((c) => shortName(project, c.name).length));
  const prefixer = new Prefixer(width, opts.colour);
  await Promise.all(containers.map(async (c) => {
    const stream = await engine.containerLogs(c.id, { follow: opts.follow, tail: opts.tail, timestamps: opts.timestamps, since: opts.since });
    const prefix = opts.noPrefix ? '' : prefixer.prefix(shortName(project, c.name), c.service);
    await pump(stream, (line) => write(`${prefix}${line}\n`));
    await onEnd?.(c, shortName(project, c.name));
  }));
}

/** Reads a log stream (multiplexed or raw) to its end, giving whole lines. */
export function pump(stream: Readable, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const demux = new FrameDemuxer();
    const lines = { stdout: new LineSplitter(), stderr: new LineSplitter() };
    let multiplexed: boolean | undefined;
    stream.on('data', (chunk: Buffer) => {
      multiplexed ??= looksMultiplexed(chunk);
      const frames = multiplexed ? demux.push(chunk) : [{ stream: 'stdout' as const, data: chunk }];
      for (const f of frames) for (const l of lines[f.stream].push(f.data.toString('utf8'))) onLine(l);
    });
    stream.on('end', () => {
      for (const l of [...lines.stdout.flush(), ...lines.stderr.flush()]) onLine(l);
      resolve();
    });
    stream.on('close', () => resolve());
    stream.on('error', reject);
  });
}
