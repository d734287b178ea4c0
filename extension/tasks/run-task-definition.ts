// The `berth-run` task's definition, as package.json's taskDefinitions declares it, and its check.
// No VS Code imports.
import type { PortRequest } from './run-container.js';

/** vscode.TaskDefinition's shape. */
export interface TaskDefinitionLike {
  readonly type: string;
  [name: string]: unknown;
}

export const RUN_TASK_TYPE = 'berth-run';

/** As package.json's taskDefinitions declares it. */
export interface RunTaskDefinition extends TaskDefinitionLike {
  image: string;
  /** Container name; default `<image>-run-<random>`. */
  containerName?: string;
  ports?: PortRequest[];
  env?: Record<string, string>;
  command?: string[];
  /** Starts the runtime's debugger listening on `debugPort` (default 9229 node, 5678 python), published on the same host port when free. */
  debug?: 'node' | 'python';
  debugPort?: number;
}

/** The definition checked; a message naming the field otherwise. */
export function checkRunDefinition(d: TaskDefinitionLike): RunTaskDefinition | string {
  if (typeof d.image !== 'string' || !d.image) return '"image" must name an image';
  if (d.containerName !== undefined && (typeof d.containerName !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(d.containerName))) return '"containerName" must be a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)';
  if (d.ports !== undefined && !(Array.isArray(d.ports) && d.ports.every((p: unknown) => isPort((p as PortRequest)?.containerPort) && ((p as PortRequest).hostPort === undefined || isPort((p as PortRequest).hostPort))))) {
    return '"ports" must be a list of { "containerPort": N, "hostPort": N }';
  }
  if (d.env !== undefined && (typeof d.env !== 'object' || d.env === null || Object.values(d.env).some((v) => typeof v !== 'string'))) return '"env" must map names to strings';
  if (d.command !== undefined && !(Array.isArray(d.command) && d.command.every((x: unknown) => typeof x === 'string'))) return '"command" must be a list of strings';
  if (d.debug !== undefined && d.debug !== 'node' && d.debug !== 'python') return '"debug" must be "node" or "python"';
  if (d.debugPort !== undefined && !isPort(d.debugPort)) return '"debugPort" must be a port number';
  return d as RunTaskDefinition;
}

function isPort(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;
}
