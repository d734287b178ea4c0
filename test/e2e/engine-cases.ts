// Most end-to-end tests run twice: on the bundled engine and on Docker Engine, each with code-server
// state of its own (named by `name`).
import type { E2eNeeds } from './prerequisites.js';

export interface EngineCase {
  title: string;
  name: string;
  engine?: string;
  needs: E2eNeeds;
}

export function engineCases(name: string, dockerTitle = 'Docker Engine'): EngineCase[] {
  return [
    { title: 'the bundled engine', name, needs: { needsBundledEngine: true } },
    { title: dockerTitle, name: `${name}-docker`, engine: 'docker', needs: { needsDocker: true } },
  ];
}
