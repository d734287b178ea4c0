// Docker Compose's labels and names, exactly, so that docker compose sees Berth's projects and Berth sees its.
import { version } from '../../package.json';

export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  environmentFile: 'com.docker.compose.project.environment_file',
  dependsOn: 'com.docker.compose.depends_on',
  image: 'com.docker.compose.image',
  version: 'com.docker.compose.version',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
} as const;

/** Written in the version label: Berth's version (docker compose writes its own). */
export const COMPOSE_VERSION = version;

export function containerName(project: string, service: string, n: number): string {
  return `${project}-${service}-${n}`;
}

/** The image a service with a build and no `image:` is tagged as. */
export function defaultImageName(project: string, service: string): string {
  return `${project}-${service}`;
}

export function projectFilter(project: string): string {
  return `${LABEL.project}=${project}`;
}
