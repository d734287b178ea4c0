// compose.yaml: the one service built from the Dockerfile, its port published on the host's loopback.
import type { ProjectFacts, ScaffoldOptions } from '../ecosystems.js';

export function composeYaml(facts: ProjectFacts, opts: ScaffoldOptions): string {
  return [
    "# Made by Berth's \"Add Docker Files to Workspace\". Start: \"Berth: Compose Up\" on this file.",
    'services:',
    `  ${facts.name}:`,
    '    build:',
    '      context: .',
    '      dockerfile: Dockerfile',
    `    image: ${facts.name}:dev`,
    '    ports:',
    `      - "127.0.0.1:${opts.hostPort}:${opts.port}"`,
    '',
  ].join('\n');
}
