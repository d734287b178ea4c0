// What one `berth-run` task does, without VS Code: the container started (with the debugger on when
// asked), its ports and its output written to the task's terminal, until it exits.
import type Dockerode from 'dockerode';
import { debugCommand } from '../debug/debug-command.js';
import { DEFAULT_DEBUG_PORTS } from '../debug/debug-config.js';
import type { PortChecker } from '../run/port-plan.js';
import { LogDemuxer, looksMultiplexed, TerminalNewlines } from '../terminals/log-demux.js';
import { startContainer, type PortRequest, type StartedContainer } from './run-container.js';
import type { RunTaskDefinition } from './run-task-definition.js';

export interface TaskTerminalIo {
  /** A line of the task's own (CRLF added). */
  line(text: string): void;
  /** The container's output, as it comes (newlines already made CRLF). */
  write(text: string): void;
}

/** The exit code. `onStarted` hears of the container as soon as it runs (to remove it when the task ends). */
export async function runTaskContainer(docker: Dockerode, def: RunTaskDefinition, io: TaskTerminalIo, checker: PortChecker | undefined, onStarted: (c: StartedContainer) => boolean): Promise<number> {
  const info = await docker.getImage(def.image).inspect();
  const ports: PortRequest[] = [...(def.ports ?? [])];
  let entrypoint: string[] | undefined = def.command ? [] : undefined;
  let cmd = def.command;
  let env = { ...def.env };
  if (def.debug) {
    const debugPort = def.debugPort ?? DEFAULT_DEBUG_PORTS[def.debug];
    const list = (v: string | string[] | null | undefined) => (v == null ? [] : Array.isArray(v) ? v : [v]);
    const dc = debugCommand(def.debug, { entrypoint: def.command ? [] : list(info.Config?.Entrypoint), cmd: def.command ?? list(info.Config?.Cmd) }, debugPort);
    if (typeof dc === 'string') throw new Error(`Cannot debug ${def.image}: ${dc}.`);
    entrypoint = dc.entrypoint ?? entrypoint;
    cmd = dc.cmd ?? cmd;
    env = { ...env, ...dc.env };
    ports.push({ containerPort: debugPort, hostPort: debugPort });
  }
  const name = def.containerName ?? `${def.image.replace(/[:/@]/g, '-').replace(/[^a-zA-Z0-9_.-]/g, '')}-run-${Math.random().toString(16).slice(2, 8)}`;
  const started = await startContainer(docker, { image: def.image, name, ports, env, entrypoint, cmd, purpose: 'task' }, checker);
  if (!onStarted(started)) return 0;
  io.line(`Started ${name} from ${def.image}.`);
  for (const [cport, hport] of started.published) io.line(`  port ${cport} → 127.0.0.1:${hport}`);
  for (const m of started.moved) io.line(`\x1b[33mPort ${m.wanted} is already taken on this machine; port ${m.containerPort} is published on ${m.used} instead.\x1b[0m`);
  io.line('Ending the task stops and removes the container.');
  const stream = (await docker.getContainer(started.id).logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream;
  const demux = new LogDemuxer();
  const newlines = new TerminalNewlines();
  let framed: boolean | undefined;
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  stream.on('data', (chunk: Buffer) => {
    framed ??= looksMultiplexed(chunk);
    const parts = framed ? demux.push(chunk).map((f) => f.data) : [chunk];
    for (const p of parts) io.write(newlines.convert(p.toString('utf8')));
  });
  const result = (await docker.getContainer(started.id).wait()) as { StatusCode?: number };
  // The last lines arrive after the exit; the log stream ends once they are out.
  await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
  io.line(`${name} exited with code ${result.StatusCode ?? '?'}.`);
  return result.StatusCode ?? 0;
}
