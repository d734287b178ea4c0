// The `berth` debug type's configuration (what launch.json holds), checked, with its defaults; and the
// configuration of VS Code's own debugger that attaches to the container. No VS Code imports.
import * as path from 'node:path';
import { coerceOptions, optionProblems, parseSecretSpec, type BuildOptions } from '../image-build/build-options.js';

export type DebugPlatform = 'node' | 'python' | 'go' | 'java' | 'dotnet';
export const DEBUG_PLATFORMS: readonly DebugPlatform[] = ['node', 'python', 'go', 'java', 'dotnet'];

/** The build's options besides Dockerfile, context, target and tag: as the `berth-build` task spells them. */
export interface DebugBuildFields {
  buildArgs?: Record<string, string>;
  /** `id=NAME,env=VARIABLE` / `id=NAME,src=FILE` (src relative to the workspace folder). */
  secrets?: string[];
  ssh?: string[];
  /** The image's platform, such as linux/amd64. */
  platform?: string;
  noCache?: boolean;
  pull?: boolean;
}

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
  /** The debugger's port in the container (node 9229, python 5678, go 2345, java 5005; .NET has none). */
  debugPort?: number;
  /** The workspace folder that is copied into the image, and where it is in the container. */
  localRoot?: string;
  remoteRoot?: string;
  /** How long to wait for the debugger to listen, in milliseconds (default 30000). */
  attachTimeout?: number;
  /** Extra environment of the container. */
  env?: Record<string, string>;
  /** Build options (build args, secrets, ssh, platform, noCache, pull), as the berth-build task takes them. */
  build?: DebugBuildFields;
}

/** The debugger's port in the container; .NET's vsdbg has none (it runs through `docker exec`). */
export const DEFAULT_DEBUG_PORTS: Record<DebugPlatform, number> = { node: 9229, python: 5678, go: 2345, java: 5005, dotnet: 0 };
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
  /** What the build is asked, through the same path as Build Image and the berth-build task. */
  build: BuildOptions;
}

/** Checks a configuration as VS Code hands it over (variables already substituted). A message naming the field, or the resolved one. */
export function resolveBerthDebug(raw: Record<string, unknown>, folder: string): ResolvedBerthDebug | string {
  const platform = raw.platform as DebugPlatform;
  if (!DEBUG_PLATFORMS.includes(platform)) {
    return `"platform" must be one of ${DEBUG_PLATFORMS.map((p) => `"${p}"`).join(', ')} (got ${JSON.stringify(raw.platform)})`;
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
  const image = (raw.image as string | undefined) ?? `${path.basename(folder).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'app'}:dev`;
  const context = abs((raw.context as string | undefined) ?? path.dirname(dockerfile));
  const build = buildOptions(raw.build, { image, context, target: raw.target as string | undefined }, folder);
  if (typeof build === 'string') return build;
  return {
    name: typeof raw.name === 'string' ? raw.name : 'Berth',
    platform,
    dockerfile,
    context,
    target: raw.target as string | undefined,
    image,
    appPort: raw.appPort as number | undefined,
    hostPort: raw.hostPort as number | undefined,
    debugPort: (raw.debugPort as number | undefined) ?? DEFAULT_DEBUG_PORTS[platform],
    localRoot: abs((raw.localRoot as string | undefined) ?? folder),
    remoteRoot,
    attachTimeout: (raw.attachTimeout as number | undefined) ?? DEFAULT_ATTACH_TIMEOUT_MS,
    env: env as Record<string, string>,
    build,
  };
}

/** `build` checked as the berth-build task checks its definition: the build options, or what is wrong. */
function buildOptions(raw: unknown, fixed: { image: string; context: string; target: string | undefined }, folder: string): BuildOptions | string {
  const b = (raw ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) return '"build" must be an object (buildArgs, secrets, ssh, platform, noCache, pull)';
  const known = ['buildArgs', 'secrets', 'ssh', 'platform', 'noCache', 'pull'];
  const unknown = Object.keys(b).filter((k) => !known.includes(k));
  if (unknown.length) return `"build" has no field ${unknown.map((k) => `"${k}"`).join(', ')} (its fields: ${known.join(', ')}; dockerfile, context, target and image are the configuration's own)`;
  if (b.buildArgs !== undefined && (typeof b.buildArgs !== 'object' || b.buildArgs === null || Array.isArray(b.buildArgs) || Object.values(b.buildArgs).some((v) => typeof v !== 'string'))) {
    return '"build.buildArgs" must map names to strings';
  }
  for (const key of ['secrets', 'ssh'] as const) {
    if (b[key] !== undefined && !(Array.isArray(b[key]) && (b[key] as unknown[]).every((s) => typeof s === 'string'))) return `"build.${key}" must be a list of strings`;
  }
  for (const s of (b.secrets ?? []) as string[]) {
    const parsed = parseSecretSpec(s);
    if (typeof parsed === 'string') return `"build.secrets": ${parsed}`;
  }
  if (b.platform !== undefined && typeof b.platform !== 'string') return '"build.platform" must be a string such as linux/amd64';
  for (const key of ['noCache', 'pull'] as const) if (b[key] !== undefined && typeof b[key] !== 'boolean') return `"build.${key}" must be true or false`;
  const options = coerceOptions({ ...b, tag: fixed.image, context: fixed.context, target: fixed.target }, fixed.image);
  // A secret's file is relative to the workspace folder, as in the berth-build task.
  options.secrets = options.secrets.map((s) => (s.src ? { id: s.id, src: path.resolve(folder, s.src) } : s));
  const problems = optionProblems(options);
  return problems.length ? `"build": ${problems.join('; ')}` : options;
}

/** Where the debugger of a started container is reached. */
export interface AttachTarget {
  containerId: string;
  containerName: string;
  /** The host port (127.0.0.1) the debugger's port is published on; none for .NET. */
  debugHostPort?: number;
  /** .NET: the process vsdbg attaches to, and how `docker exec` reaches the engine. */
  processId?: number;
  exec?: DockerExec;
}

/** The docker CLI and the engine it is pointed at (DOCKER_HOST), for a debugger that runs through `docker exec`. */
export interface DockerExec {
  cli: string;
  dockerHost: string;
}

/** Where the scaffolded .NET image gets vsdbg (Berth's `<image>-vsdbg` debug image). */
export const VSDBG_PATH = '/vsdbg/vsdbg';

/** The Java agent option that makes the JVM listen for a debugger on `port` without waiting for one. */
export function jdwpOptions(port: number): string {
  return `-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:${port}`;
}

/** The attach configuration of the ecosystem's debugger, for a container whose debugger is at 127.0.0.1:`debugHostPort`. */
export function attachConfiguration(d: ResolvedBerthDebug, t: AttachTarget): Record<string, unknown> {
  const name = `${d.name} (${t.containerName})`;
  const port = t.debugHostPort;
  const common = { name, __berthContainer: t.containerId };
  switch (d.platform) {
    case 'node':
      // VS Code's built-in JavaScript debugger (js-debug) answers to `node`.
      return {
        type: 'node', request: 'attach', address: '127.0.0.1', port,
        localRoot: d.localRoot, remoteRoot: d.remoteRoot,
        skipFiles: ['<node_internals>/**'], restart: false, continueOnAttach: true,
        ...common,
      };
    case 'python':
      // The Python extension's debugpy type; it takes the older `python` type's fields too.
      return {
        type: 'debugpy', request: 'attach', connect: { host: '127.0.0.1', port },
        pathMappings: [{ localRoot: d.localRoot, remoteRoot: d.remoteRoot }],
        justMyCode: true,
        ...common,
      };
    case 'go':
      return {
        type: 'go', request: 'attach', mode: 'remote', host: '127.0.0.1', port,
        substitutePath: [{ from: d.localRoot, to: d.remoteRoot }],
        ...common,
      };
    case 'java':
      // vscjava.vscode-java-debug over JDWP; it finds sources through the workspace's Java projects.
      return { type: 'java', request: 'attach', hostName: '127.0.0.1', port, ...common };
    case 'dotnet': {
      // The C# extension's vsdbg, started in the container by `docker exec -i` (pipeTransport) against
      // the engine Berth drives; the PDBs name the paths the image was built at (remoteRoot).
      const exec = t.exec ?? { cli: 'docker', dockerHost: '' };
      return {
        type: 'coreclr', request: 'attach', processId: t.processId ?? 1,
        pipeTransport: {
          pipeProgram: exec.cli,
          pipeArgs: ['exec', '-i', t.containerId],
          pipeCwd: d.localRoot,
          debuggerPath: VSDBG_PATH,
          quoteArgs: false,
          ...(exec.dockerHost ? { pipeEnv: { DOCKER_HOST: exec.dockerHost } } : {}),
        },
        sourceFileMap: { [d.remoteRoot]: d.localRoot },
        justMyCode: true,
        ...common,
      };
    }
  }
}

/** The VS Code extension each platform's debugger comes from (undefined: built into VS Code). */
export const DEBUGGER_EXTENSIONS: Record<DebugPlatform, { id: string; name: string } | undefined> = {
  node: undefined,
  python: { id: 'ms-python.debugpy', name: 'Python Debugger (ms-python.debugpy)' },
  go: { id: 'golang.go', name: 'Go (golang.go)' },
  java: { id: 'vscjava.vscode-java-debug', name: 'Debugger for Java (vscjava.vscode-java-debug)' },
  dotnet: { id: 'ms-dotnettools.csharp', name: 'C# (ms-dotnettools.csharp)' },
};
