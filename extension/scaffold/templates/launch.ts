// The launch configuration "Add Docker Files to Workspace" adds to .vscode/launch.json: Berth's own
// `berth` debug type, which builds, runs and attaches the ecosystem's debugger (extension/debug/).
import type { BerthDebugConfiguration } from '../../debug/debug-config.js';
import { APP_DIR, DEBUG_PORTS, ecosystemLabel, type ProjectFacts, type ScaffoldOptions } from '../ecosystems.js';
import { GO_SRC } from './go.js';

/** The ecosystems the `berth` debug type can debug; the others get no launch configuration. */
export function debuggable(facts: ProjectFacts): facts is ProjectFacts & { ecosystem: BerthDebugConfiguration['platform'] } {
  return facts.ecosystem === 'node' || facts.ecosystem === 'python' || facts.ecosystem === 'go';
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
    appPort: opts.port,
    hostPort: opts.hostPort,
    debugPort: DEBUG_PORTS[facts.ecosystem],
    localRoot: '${workspaceFolder}',
    remoteRoot: facts.ecosystem === 'go' ? GO_SRC : APP_DIR,
  };
}
