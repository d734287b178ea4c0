// The launch configuration "Add Docker Files to Workspace" adds to .vscode/launch.json: Berth's own
// `berth` debug type, which builds, runs and attaches the ecosystem's debugger (extension/debug/).
import type { BerthDebugConfiguration } from '../../debug/debug-config.js';
import { APP_DIR, DEBUG_PORTS, ecosystemLabel, type ProjectFacts, type ScaffoldOptions } from '../ecosystems.js';
import { DOTNET_DEBUG_BUILD_ARGS, DOTNET_SRC } from './dotnet.js';
import { GO_SRC } from './go.js';

/** The ecosystems the `berth` debug type can debug (all of them; Go, Java and .NET need their VS Code extension). */
export function debuggable(facts: ProjectFacts): facts is ProjectFacts & { ecosystem: BerthDebugConfiguration['platform'] } {
  return ['node', 'python', 'go', 'java', 'dotnet'].includes(facts.ecosystem);
}

/** Where the workspace's sources are in the container: where the debugger's paths point. */
function remoteRoot(facts: ProjectFacts): string {
  // Go and .NET debug information names the build stage's folder the sources were compiled in.
  return facts.ecosystem === 'go' ? GO_SRC : facts.ecosystem === 'dotnet' ? DOTNET_SRC : APP_DIR;
}

export function launchConfiguration(facts: ProjectFacts, opts: Pick<ScaffoldOptions, 'port' | 'hostPort'>): BerthDebugConfiguration | undefined {
  if (!debuggable(facts)) return undefined;
  return {
    type: 'berth',
    request: 'launch',
    name: `Berth: Debug ${ecosystemLabel(facts.ecosystem)} in a Container`,
    platform: facts.ecosystem,
    dockerfile: '${workspaceFolder}/Dockerfile',
    context: '${workspaceFolder}',
    image: `${facts.name}:dev`,
    ...(facts.ecosystem === 'go' ? { target: 'debug' } : {}),
    // .NET: a Debug build, so locals are not optimised away.
    ...(facts.ecosystem === 'dotnet' ? { build: { buildArgs: { ...DOTNET_DEBUG_BUILD_ARGS } } } : {}),
    appPort: opts.port,
    hostPort: opts.hostPort,
    ...(facts.ecosystem !== 'dotnet' ? { debugPort: DEBUG_PORTS[facts.ecosystem] } : {}),
    localRoot: '${workspaceFolder}',
    remoteRoot: remoteRoot(facts),
  };
}
