// The resolved Compose model: what the runner needs, every value checked and in one form.

export interface ComposeProject {
  readonly name: string;
  /** Absolute; relative paths in the files were resolved against it (or their own file's folder). */
  readonly workingDir: string;
  /** Absolute paths of the -f files, in order. */
  readonly configFiles: readonly string[];
  /** Services enabled by the active profiles. */
  readonly services: Readonly<Record<string, ServiceConfig>>;
  /** Services a profile that is not active turns off (kept for `down` and orphan detection). */
  readonly disabledServices: Readonly<Record<string, ServiceConfig>>;
  readonly networks: Readonly<Record<string, NetworkConfig>>;
  readonly volumes: Readonly<Record<string, VolumeConfig>>;
}

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface Dependency {
  readonly condition: DependencyCondition;
  readonly required: boolean;
  readonly restart: boolean;
}

export interface BuildConfig {
  /** Absolute folder. */
  readonly context: string;
  /** Relative to the context, as the engine's build API takes it. */
  readonly dockerfile: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface PortConfig {
  readonly target: number;
  readonly published?: string;
  readonly hostIp?: string;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
}

export type VolumeMount =
  | { readonly type: 'volume'; readonly source?: string; readonly target: string; readonly readOnly: boolean; readonly nocopy: boolean }
  | { readonly type: 'bind'; readonly source: string; readonly target: string; readonly readOnly: boolean; readonly createHostPath: boolean }
  | { readonly type: 'tmpfs'; readonly target: string; readonly size?: number };

export interface HealthcheckConfig {
  /** undefined: the image's own check with these timings; ['NONE']: disabled. */
  readonly test?: readonly string[];
  readonly intervalNs?: number;
  readonly timeoutNs?: number;
  readonly retries?: number;
  readonly startPeriodNs?: number;
  readonly startIntervalNs?: number;
}

export interface ServiceNetwork {
  readonly aliases: readonly string[];
  readonly ipv4Address?: string;
}

export interface ServiceConfig {
  readonly name: string;
  readonly image?: string;
  readonly build?: BuildConfig;
  readonly pullPolicy: 'missing' | 'always' | 'never' | 'build';
  /** undefined: the image's. */
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** After env_file and environment, values resolved. */
  readonly environment: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  readonly user?: string;
  readonly restart?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly PortConfig[];
  readonly expose: readonly string[];
  readonly volumes: readonly VolumeMount[];
  readonly tmpfs: readonly string[];
  /** Network name in the model -> endpoint settings; empty when networkMode is set. */
  readonly networks: Readonly<Record<string, ServiceNetwork>>;
  readonly networkMode?: string;
  readonly dependsOn: Readonly<Record<string, Dependency>>;
  readonly healthcheck?: HealthcheckConfig;
  readonly limits: { readonly nanoCpus?: number; readonly memoryBytes?: number; readonly pids?: number };
  readonly replicas: number;
  readonly init?: boolean;
  /** "host:ip" */
  readonly extraHosts: readonly string[];
  readonly containerName?: string;
  readonly hostname?: string;
  readonly tty: boolean;
  readonly stdinOpen: boolean;
  readonly stopSignal?: string;
  readonly stopGracePeriodSeconds?: number;
  readonly privileged: boolean;
  readonly readOnly: boolean;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly shmSizeBytes?: number;
  readonly profiles: readonly string[];
}

export interface NetworkConfig {
  /** The engine's name for it: PROJECT_KEY unless `name:` or external. */
  readonly name: string;
  readonly external: boolean;
  readonly internal: boolean;
  readonly driver?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly subnet?: string;
}

export interface VolumeConfig {
  readonly name: string;
  readonly external: boolean;
  readonly driver?: string;
  readonly labels: Readonly<Record<string, string>>;
}
