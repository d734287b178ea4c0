// The shape of a seccomp profile as Berth holds it: Docker's profile model (the format of moby's
// default.json and of the files `--security-opt seccomp=FILE` sends), with rules that apply only on
// some architectures, with some capabilities or from some kernel version on.

export const SECCOMP_ACTIONS = [
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY',
] as const;
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];

export const SECCOMP_OPERATORS = [
  'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ',
] as const;
export type SeccompOperator = (typeof SECCOMP_OPERATORS)[number];

/** One comparison on a syscall argument; values are 64-bit, so numbers above 2^53 are not representable. */
export interface SeccompArg { index: number; value: number; valueTwo?: number; op: SeccompOperator }

/**
 * When a rule counts. `arches` are Go's architecture names (amd64, arm64, s390x...: Docker matches
 * them against the daemon's own), `caps` the container's capabilities (all of them for includes, any
 * of them for excludes), `minKernel` "major.minor".
 */
export interface RuleCondition { arches?: string[]; caps?: string[]; minKernel?: string }

export interface SeccompRule {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[];
  includes?: RuleCondition;
  excludes?: RuleCondition;
}

export interface ArchMapEntry { architecture: string; subArchitectures: string[] }

export interface SeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  /** Either a flat list of architectures, or archMap: the native one's sub-architectures are added. */
  architectures?: string[];
  archMap?: ArchMapEntry[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  rules: SeccompRule[];
}

/** The linux.seccomp section of an OCI runtime spec. */
export interface OciSeccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls: { names: string[]; action: SeccompAction; errnoRet?: number; args?: SeccompArg[] }[];
}
