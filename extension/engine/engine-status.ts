// What the UI shows about the engine. One type, so views, status bar and context keys agree.
import type { WayOut } from './preflight.js';

export interface EngineInfo {
  /** "Berth" for the bundled core, "Docker Engine" or "Podman" otherwise. */
  product: string;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** Where we connect: a socket path or a URL. */
  address: string;
  /** DockerRootDir from /info. */
  root: string;
  containers: number;
  containersRunning: number;
  images: number;
}

export type EngineStatus =
  | { state: 'stopped' }
  | { state: 'starting'; address: string }
  | { state: 'running'; info: EngineInfo }
  | { state: 'unreachable'; address: string; reason: string; waysOut: WayOut[] };
