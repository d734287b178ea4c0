// The files "Add Docker Files to Workspace" writes for a project, as text: pure, so every ecosystem
// and option can be linted in a unit test exactly as it would be written.
import type { BerthDebugConfiguration } from '../debug/debug-config.js';
import type { Ecosystem, ProjectFacts, ScaffoldOptions } from './ecosystems.js';
import { composeYaml } from './templates/compose.js';
import { dockerignore } from './templates/dockerignore.js';
import { dotnetDockerfile } from './templates/dotnet.js';
import { goDockerfile } from './templates/go.js';
import { javaDockerfile } from './templates/java.js';
import { launchConfiguration } from './templates/launch.js';
import { nodeDockerfile } from './templates/node.js';
import { pythonDockerfile } from './templates/python.js';

export interface PlannedFile {
  /** Relative to the project folder, with `/`. */
  path: string;
  content: string;
}

export interface ScaffoldPlan {
  files: PlannedFile[];
  /** Added to .vscode/launch.json's configurations (not written as a file: launch.json is merged). */
  launch: BerthDebugConfiguration | undefined;
}

const DOCKERFILES: Record<Ecosystem, (f: ProjectFacts, o: ScaffoldOptions) => string> = {
  node: nodeDockerfile,
  python: pythonDockerfile,
  go: goDockerfile,
  java: javaDockerfile,
  dotnet: dotnetDockerfile,
};

export function scaffoldPlan(facts: ProjectFacts, opts: ScaffoldOptions): ScaffoldPlan {
  const files: PlannedFile[] = [
    { path: 'Dockerfile', content: DOCKERFILES[facts.ecosystem](facts, opts) },
    { path: '.dockerignore', content: dockerignore(facts.ecosystem) },
  ];
  if (opts.compose) files.push({ path: 'compose.yaml', content: composeYaml(facts, opts) });
  return { files, launch: launchConfiguration(facts, opts) };
}
