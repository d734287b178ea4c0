// Which Compose project a command acts on, without VS Code: a file (from the explorer, the editor or a
// task), or a project group of the Containers view (from the labels the project's containers carry).
import * as path from 'node:path';
import type { EngineAddress } from '../../compose/engine/engine-address';
import type { EngineTarget } from '../engine/engine-target.js';

export interface ComposeTarget {
  /** Absolute Compose files, in order; empty: docker compose's lookup from `workingDir`. */
  readonly files: readonly string[];
  readonly workingDir: string;
  readonly projectName?: string;
  readonly profiles?: readonly string[];
  /** The file the user chose, for titles (a default-named one stands for its folder's lookup). */
  readonly chosenFile?: string;
}

/** compose.yaml, docker-compose.yml, compose.override.yaml, docker-compose.prod.yml, ... */
export const COMPOSE_FILE_NAME = /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/i;
export const COMPOSE_FILE_GLOB = '**/{compose,docker-compose}*.{yaml,yml}';

/** The names docker compose finds without -f; for these the folder's lookup (with its override file) is used. */
const DEFAULT_NAMES = new Set(['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml']);

export function isComposeFileName(file: string): boolean {
  return COMPOSE_FILE_NAME.test(path.basename(file));
}

/**
 * The project of one file. A default-named file stands for its folder's project, so its
 * `compose.override.yaml` applies as on the command line; any other file is that file alone (`-f FILE`).
 */
export function targetFromFile(file: string): ComposeTarget {
  const dir = path.dirname(file);
  return DEFAULT_NAMES.has(path.basename(file)) ? { files: [], workingDir: dir, chosenFile: file } : { files: [file], workingDir: dir };
}

export const PROJECT_LABEL = 'com.docker.compose.project';
export const WORKING_DIR_LABEL = 'com.docker.compose.project.working_dir';
export const CONFIG_FILES_LABEL = 'com.docker.compose.project.config_files';

/** A project group's target from its containers' labels (docker compose writes config_files comma-separated). */
export function targetFromLabels(labels: Readonly<Record<string, string>>): ComposeTarget | undefined {
  const projectName = labels[PROJECT_LABEL];
  if (!projectName) return undefined;
  const files = (labels[CONFIG_FILES_LABEL] ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  const workingDir = labels[WORKING_DIR_LABEL] || (files[0] ? path.dirname(files[0]) : '');
  return { files, workingDir, projectName };
}

/** The engine the extension is connected to, as compose/ names it (for its messages). */
export function composeAddress(t: EngineTarget): EngineAddress {
  switch (t.kind) {
    case 'bundled':
    case 'docker':
    case 'socket':
      return { kind: 'socket', socketPath: t.socketPath };
    case 'tcp':
      return { kind: 'tcp', host: t.host, port: t.port, tls: false };
    case 'ssh':
      return { kind: 'ssh', host: t.host, port: t.port, username: t.username };
  }
}
