// The `berth` debug type's configuration (what launch.json holds), checked, with its defaults; and the
// configuration of VS Code's own debugger that attaches to the container. No VS Code imports.
import * as path from 'node:path';

export type DebugPlatform = 'node' | 'python' | 'go';

export interface BerthDebugConfiguration {
  type: 'berth';
  request: 'launch';
  name: string;
  platform: DebugPlatform;
  /** The Dockerfile; default `${workspaceFolder}/Dockerfile`. */
  dockerfile?: string;
  /** The build context; default the Dockerfile's folder. */
  context?: string;
  /** The build's target stage (Go: `debug`, the stage with Delve). */
  target?: string;
  /** The image's name; default `<folder>:dev`. */
  image?: string;
  /** The app's port in the container. */
  appPort?: number;
  /** The host port the app port is published on; taken → another, and the debug console says so. */
  hostPort?: number;
  /** The debugger's port in the container (node 9229, python 5678, go 2345). */
  debugPort?: number;
  /** The workspace folder that is copied into the image, and where it is in the container. */
  localRoot?: string;
  remoteRoot?: string;
  /** How long to wait for the debugger to listen, in milliseconds (default 30000). */
  attachTimeout?: number;
  /** Extra environment of the container. */
  env?: Record<string, string>;
}

export const DEFAULT_DEBUG_PORTS: Record<DebugPlatform, number> = { node: 9229, python: 5678, go: 2345 };
export const DEFAULT_ATTACH_TIMEOUT_MS = 30_000;

/** The configuration with every default filled in, paths absolute. */
export interface ResolvedBerthDebug {
  name: string;
  platform: DebugPlatform;
  dockerfile: string;
  context: string;
  target: string | undefined;
  image: string;
  appPort: number | undefined;
  hostPort: number | undefined;
  debugPort: number;
  localRoot: string;
  remoteRoot: string;
  attachTimeout: number;
  env: Record<string, string>;
}

/** Checks a configuration as VS Code hands it over (variables already substituted). A message naming the field, or the resolved one. */
export function resolveBerthDebug(raw: Record<string, unknown>, folder: string): ResolvedBerthDebug | string {
  const platform = raw.platform;
  if (platform !== 'node' && platform !== 'python' && platform !== 'go') {
    return `"platform" must be "node", "python" or "go" (got ${JSON.stringify(platform)})`;
  }
  for (const key of ['dockerfile', 'context', 'target', 'image', 'localRoot', 'remoteRoot'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') return `"${key}" must be a string`;
  }
  for (const key of ['appPort', 'hostPort', 'debugPort'] as const) {
    const v = raw[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536)) return `"${key}" must be a port number (1-65535)`;
  }
  if (raw.attachTimeout !== undefined && !(typeof raw.attachTimeout === 'number' && raw.attachTimeout > 0)) return '"attachTimeout" must be a number of milliseconds';
  const env = raw.env ?? {};
  if (typeof env !== 'object' || env === null || Object.values(env).some((v) => typeof v !== 'string')) return '"env" must map names to strings';
  const abs = (p: string) => path.resolve(folder, p);
  const dockerfile = abs((raw.dockerfile as string | undefined) ?? 'Dockerfile');
  const remoteRoot = (raw.remoteRoot as string | undefined) ?? '/app';
  if (!remoteRoot.startsWith('/')) return '"remoteRoot" must be an absolute path in the container';
  return {
    name: typeof raw.name === 'string' ? raw.name : 'Berth',
    platform,
    dockerfile,
    context: abs((raw.context as string | undefined) ?? path.dirname(dockerfile)),
    target: raw.target as string | undefined,
    image: (raw.image as string | undefined) ?? `${path.basename(folder).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'app'}:dev`,
    appPort: raw.appPort as number | undefined,
    hostPort: raw.hostPort as number | undefined,
    debugPort: (raw.debugPort as number | undefined) ?? DEFAULT_DEBUG_PORTS[platform],
    localRoot: abs((raw.localRoot as string | undefined) ?? folder),
    remoteRoot,
    attachTimeout: (raw.attachTimeout as number | undefined) ?? DEFAULT_ATTACH_TIMEOUT_MS,
    env: env as Record<string, string>,
  };
}

/** The attach configuration of the ecosystem's debugger, for a container whose debugger is at 127.0.0.1:`port`. */
export function attachConfiguration(d: ResolvedBerthDebug, port: number, containerName: string): Record<string, unknown> {
  const name = `${d.name} (${containerName})`;
  switch (d.platform) {
    case 'node':
      // VS Code's built-in JavaScript debugger (js-debug) answers to `node`.
      return {
        type: 'node', request: 'attach', name, address: '127.0.0.1', port,
        localRoot: d.localRoot, remoteRoot: d.remoteRoot,
        skipFiles: ['<node_internals>/**'], restart: false, continueOnAttach: true,
        __berthContainer: containerName,
      };
    case 'python':
      // The Python extension's debugpy type; it takes the older `python` type's fields too.
      return {
        type: 'debugpy', request: 'attach', name, connect: { host: '127.0.0.1', port },
        pathMappings: [{ localRoot: d.localRoot, remoteRoot: d.remoteRoot }],
        justMyCode: true,
        __berthContainer: containerName,
      };
    case 'go':
      return {
        type: 'go', request: 'attach', mode: 'remote', name, host: '127.0.0.1', port,
        substitutePath: [{ from: d.localRoot, to: d.remoteRoot }],
        __berthContainer: containerName,
      };
  }
}

/** The VS Code extension each platform's debugger comes from (undefined: built into VS Code). */
export const DEBUGGER_EXTENSIONS: Record<DebugPlatform, { id: string; name: string } | undefined> = {
  node: undefined,
  python: { id: 'ms-python.debugpy', name: 'Python Debugger (ms-python.debugpy)' },
  go: { id: 'golang.go', name: 'Go (golang.go)' },
};
