// The image config (OCI image spec `config.json`, Docker's image JSON): its ID is the sha256 of its bytes.
import { InvalidError } from '../errdefs.js';
import { isSha256Digest } from '../content/digest.js';

export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  ExposedPorts?: Record<string, object> | null;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  OnBuild?: string[] | null;
  Healthcheck?: unknown;
  Shell?: string[] | null;
  ArgsEscaped?: boolean;
  [key: string]: unknown;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  author?: string;
  comment?: string;
  docker_version?: string;
  container?: string;
  container_config?: ContainerConfig;
  config?: ContainerConfig;
  rootfs: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
  [key: string]: unknown;
}

/** Parses and checks an image config; `what` names its source in the error. */
export function parseImageConfig(data: Buffer | string, what = 'image config'): ImageConfig {
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch (err) {
    throw new InvalidError(`malformed ${what}: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InvalidError(`malformed ${what}: not a JSON object`);
  const config = value as Partial<ImageConfig>;
  const rootfs = config.rootfs;
  if (!rootfs || !Array.isArray(rootfs.diff_ids) || !rootfs.diff_ids.every((d) => typeof d === 'string' && isSha256Digest(d))) {
    throw new InvalidError(`malformed ${what}: rootfs.diff_ids must be a list of sha256 digests`);
  }
  if (config.history !== undefined && !Array.isArray(config.history)) throw new InvalidError(`malformed ${what}: history must be a list`);
  return { ...config, architecture: config.architecture ?? 'amd64', os: config.os ?? 'linux', rootfs } as ImageConfig;
}

/** Unix seconds of the config's `created`, 0 when absent. */
export function createdSeconds(config: ImageConfig): number {
  const ms = config.created ? Date.parse(config.created) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
