// Types for code-server.mjs, so the TypeScript e2e harness can use it under `strict`.
import type { ChildProcess } from 'node:child_process';

export const CODE_SERVER_VERSION: string;
export const CODE_SERVER_BUILD_PACKAGES: string[];
export const QUIET_SETTINGS: Record<string, unknown>;

export class CodeServerError extends Error {}

export interface CodeServerInstall {
  dir: string;
  node: string;
  entry: string;
}

export function codeServerDir(): string;
export function installedCodeServer(dir?: string): CodeServerInstall | undefined;
export function ensureCodeServer(opts?: { log?: (message: string) => void; dir?: string }): Promise<CodeServerInstall>;
/** Another user to run code-server as, with that user's whole environment. */
export interface RunAs {
  uid: number;
  gid: number;
  env: Record<string, string>;
}

export function installExtension(
  install: CodeServerInstall,
  opts: { vsix: string; userDataDir: string; extensionsDir: string; log?: (message: string) => void; runAs?: RunAs },
): Promise<void>;

export interface StartCodeServerOptions {
  folder?: string;
  vsix?: string;
  settings?: Record<string, unknown>;
  stateDir?: string;
  port?: number;
  timeoutMs?: number;
  log?: (message: string) => void;
  env?: Record<string, string>;
  keepSettings?: boolean;
  /** Instead of the cache's install (which another user may not be able to read). */
  install?: CodeServerInstall;
  runAs?: RunAs;
}

export interface RunningCodeServer {
  url: string;
  folderUrl: string;
  port: number;
  pid: number;
  process: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  baseDir: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  stop(): Promise<void>;
}

export function startCodeServer(opts?: StartCodeServerOptions): Promise<RunningCodeServer>;
