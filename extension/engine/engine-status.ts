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
  /** "rootless" when /info's SecurityOptions say name=rootless (Berth, Docker and Podman all do). */
  mode: 'rootless' | 'root';
  /** Containers get their own user namespaces by default: /info's SecurityOptions say name=userns (Berth's --userns auto, Docker's userns-remap). */
  userns?: boolean;
  /** Whether the engine can apply memory limits (/info MemoryLimit): false without a delegated cgroup. */
  limits: boolean;
  /**
   * /info Warnings that say containers are confined less than under Docker's defaults (no seccomp,
   * no AppArmor profile, rootless without cgroups), without the "WARNING: " prefix.
   */
  isolationWarnings?: string[];
}

export type EngineStatus =
  | { state: 'stopped' }
  | { state: 'starting'; address: string }
  | { state: 'running'; info: EngineInfo }
  | { state: 'unreachable'; address: string; reason: string; waysOut: WayOut[] };
