// `berth-run`'s `debug`: the container's command with the runtime's debugger listening (node
// --inspect, python -m debugpy) and the debugger's port published on 127.0.0.1, on the same host port
// when it is free, so a `node` or `debugpy` attach configuration whose preLaunchTask is the task finds
// it. The F5 flow (debug/debug-session.ts) makes the same command. No VS Code imports.
import { debugCommand } from '../debug/debug-command.js';
import { DEFAULT_DEBUG_PORTS } from '../debug/debug-config.js';
import { LOOPBACK, type PortChecker } from './port-plan.js';
import type { CreateBody } from './run-options.js';

export type RunDebugger = 'node' | 'python';

/** The image's own command, as `docker image inspect` gives it. */
export interface ImageCommandConfig {
  Entrypoint?: string[] | string | null;
  Cmd?: string[] | string | null;
}

export interface DebuggerPlan {
  body: CreateBody;
  debugPort: number;
  /** The host port the debugger is published on. */
  hostPort: number;
  /** The wanted host port (the debugger's own) was taken, so another one is used. */
  moved: boolean;
}

const list = (v: string[] | string | null | undefined): string[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

/** The create body with the debugger on, or a message saying why Berth cannot start it so. */
export async function withDebugger(body: CreateBody, image: ImageCommandConfig, platform: RunDebugger, port: number | undefined, checker: PortChecker | undefined): Promise<DebuggerPlan | string> {
  const debugPort = port ?? DEFAULT_DEBUG_PORTS[platform];
  // As `docker run IMAGE COMMAND`: the command replaces CMD, the ENTRYPOINT stays in front of it.
  const dc = debugCommand(platform, { entrypoint: list(image.Entrypoint), cmd: body.Cmd ?? list(image.Cmd) }, debugPort);
  if (typeof dc === 'string') return dc;
  const key = `${debugPort}/tcp`;
  let hostPort = debugPort;
  let moved = false;
  if (checker && !(await checker.isFree(debugPort, LOOPBACK))) {
    hostPort = await checker.anyFree(LOOPBACK);
    moved = true;
  }
  const env = Object.entries(dc.env).map(([k, v]) => `${k}=${v}`);
  return {
    debugPort, hostPort, moved,
    body: {
      ...body,
      ...(dc.entrypoint ? { Entrypoint: dc.entrypoint } : {}),
      ...(dc.cmd ? { Cmd: dc.cmd } : {}),
      ...(body.Env || env.length ? { Env: [...(body.Env ?? []), ...env] } : {}),
      ExposedPorts: { ...body.ExposedPorts, [key]: {} },
      HostConfig: { ...body.HostConfig, PortBindings: { ...body.HostConfig.PortBindings, [key]: [{ HostIp: LOOPBACK, HostPort: String(hostPort) }] } },
    },
  };
}
