// Runs one container for the inner loop (the `berth-run` task and F5): create with its ports published
// on the host's loopback, start, read its last log lines, stop and remove. dockerode over whichever
// engine Berth is connected to; no VS Code imports.
import type Dockerode from 'dockerode';
import { LogDemuxer, looksMultiplexed } from '../terminals/log-demux.js';
import { LOOPBACK, portBindingsConfig, type PortBinding, type PortChecker } from '../run/port-plan.js';

/** Label on every container Berth starts for a debug session or a berth-run task. */
export const RUN_LABEL = 'dev.berth.run';

export interface PortRequest {
  containerPort: number;
  /** Wanted host port; when missing or taken, a free one. */
  hostPort?: number;
}

export interface RunSpec {
  image: string;
  name: string;
  ports: PortRequest[];
  env?: Record<string, string>;
  /** Replaces the image's ENTRYPOINT (empty list: none) and CMD, when set. */
  entrypoint?: string[];
  cmd?: string[];
  /** What started it: `debug` or `task`, kept in the RUN_LABEL label. */
  purpose: 'debug' | 'task';
}

export interface StartedContainer {
  id: string;
  name: string;
  /** Host port per container port. */
  published: Map<number, number>;
  /** Ports that were wanted but taken, with the one used instead. */
  moved: { containerPort: number; wanted: number; used: number }[];
}

/** Host ports for the requests: the wanted one when free (checked on this machine), else any free one. */
export async function planRunPorts(ports: readonly PortRequest[], checker: PortChecker | undefined): Promise<{ plan: PortBinding[]; moved: StartedContainer['moved'] }> {
  const plan: PortBinding[] = [];
  const moved: StartedContainer['moved'] = [];
  const taken = new Set<number>();
  for (const p of ports) {
    const containerPort = `${p.containerPort}/tcp`;
    if (!checker) {
      plan.push({ containerPort, hostIp: LOOPBACK, hostPort: p.hostPort ? String(p.hostPort) : '' });
      continue;
    }
    let host = p.hostPort;
    if (host === undefined || taken.has(host) || !(await checker.isFree(host, LOOPBACK))) {
      let free: number;
      do free = await checker.anyFree(LOOPBACK);
      while (taken.has(free));
      if (host !== undefined) moved.push({ containerPort: p.containerPort, wanted: host, used: free });
      host = free;
    }
    taken.add(host);
    plan.push({ containerPort, hostIp: LOOPBACK, hostPort: String(host) });
  }
  return { plan, moved };
}

export async function startContainer(docker: Dockerode, spec: RunSpec, checker: PortChecker | undefined): Promise<StartedContainer> {
  const { plan, moved } = await planRunPorts(spec.ports, checker);
  const { ExposedPorts, PortBindings } = portBindingsConfig(plan);
  const container = await docker.createContainer({
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ExposedPorts,
    Labels: { [RUN_LABEL]: spec.purpose },
    HostConfig: { PortBindings },
  });
  try {
    await container.start();
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    throw err;
  }
  // An engine that chose the host port (no checker: a remote engine) says which in inspect.
  const info = await container.inspect();
  const published = new Map<number, number>();
  for (const [key, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    const host = bindings?.[0]?.HostPort;
    if (host) published.set(Number(key.split('/')[0]), Number(host));
  }
  return { id: container.id, name: spec.name, published, moved };
}

/** Stops and removes the container; gone already is fine. */
export async function removeContainer(docker: Dockerode, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
}

/** The container's last `n` log lines (stdout and stderr), for a message when something went wrong. */
export async function lastLogLines(docker: Dockerode, id: string, n: number): Promise<string[]> {
  const raw = (await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: n, follow: false })) as unknown as Buffer;
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
  let text: string;
  if (looksMultiplexed(buf)) text = new LogDemuxer().push(buf).map((f) => f.data.toString('utf8')).join('');
  else text = buf.toString('utf8');
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(-n);
}

/** Whether the container still runs, and its exit code when not. */
export async function containerState(docker: Dockerode, id: string): Promise<{ running: boolean; exitCode?: number }> {
  const info = await docker.getContainer(id).inspect();
  return { running: !!info.State?.Running, exitCode: info.State?.Running ? undefined : info.State?.ExitCode };
}
