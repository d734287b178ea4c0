// .dockerignore: what never belongs in the build context (version control, editor settings, local
// dependencies and build output the image makes itself), per ecosystem.
import type { Ecosystem } from '../ecosystems.js';

const COMMON = ['.git', '.gitignore', '.vscode', '.idea', '.env', '*.log', 'Dockerfile*', '.dockerignore', 'compose*.yaml', 'compose*.yml', 'docker-compose*'];

const PER_ECOSYSTEM: Record<Ecosystem, string[]> = {
  node: ['node_modules', 'npm-debug.log*', 'coverage', '.npm'],
  python: ['__pycache__', '*.py[cod]', '.venv', 'venv', '.pytest_cache', '.mypy_cache', '*.egg-info'],
  go: ['bin', '*.test', '*.out'],
  java: ['target', 'build', '.gradle'],
  dotnet: ['bin', 'obj', '*.user'],
};

export function dockerignore(ecosystem: Ecosystem): string {
  return [
    "# Made by Berth's \"Add Docker Files to Workspace\": kept out of the build context.",
    ...COMMON,
    ...PER_ECOSYSTEM[ecosystem],
    '',
  ].join('\n');
}
