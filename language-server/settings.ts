// The `berth.dockerfile` settings: pulled per document with workspace/configuration (or taken from
// didChangeConfiguration when the client cannot be asked), checked, and cached until they change.
import type { DockerfileSettings } from './protocol';

export type RuleSetting = DockerfileSettings['rules'][string];

export const DEFAULT_SETTINGS: DockerfileSettings = {
  rules: {},
  shellcheck: { enable: true, path: 'shellcheck' },
};

const RULE_SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'info', 'hint', 'off'];

export interface CheckedSettings {
  readonly settings: DockerfileSettings;
  /** One message per ignored entry, naming the setting and what is allowed. */
  readonly problems: readonly string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns whatever the client sent into settings; bad entries are dropped with a message. */
export function checkSettings(raw: unknown): CheckedSettings {
  const problems: string[] = [];
  const rules: Record<string, RuleSetting> = {};
  const shellcheck = { ...DEFAULT_SETTINGS.shellcheck };
  if (raw === undefined || raw === null) return { settings: { rules, shellcheck }, problems };
  if (!isRecord(raw)) {
    return { settings: { rules, shellcheck }, problems: ['berth.dockerfile must be an object; using the defaults'] };
  }
  if (raw.rules !== undefined) {
    if (!isRecord(raw.rules)) problems.push('berth.dockerfile.rules must be an object mapping rule ids to a severity');
    else {
      for (const [id, value] of Object.entries(raw.rules)) {
        if (typeof value === 'string' && (RULE_SETTINGS as readonly string[]).includes(value)) rules[id] = value as RuleSetting;
        else problems.push(`berth.dockerfile.rules.${id} is ${JSON.stringify(value)}; use one of ${RULE_SETTINGS.join(', ')}`);
      }
    }
  }
  if (raw.shellcheck !== undefined) {
    if (!isRecord(raw.shellcheck)) problems.push('berth.dockerfile.shellcheck must be an object {enable, path}');
    else {
      const { enable, path } = raw.shellcheck;
      if (enable !== undefined) {
        if (typeof enable === 'boolean') shellcheck.enable = enable;
        else problems.push(`berth.dockerfile.shellcheck.enable is ${JSON.stringify(enable)}; use true or false`);
      }
      if (path !== undefined) {
        if (typeof path === 'string') shellcheck.path = path.trim() || DEFAULT_SETTINGS.shellcheck.path;
        else problems.push(`berth.dockerfile.shellcheck.path is ${JSON.stringify(path)}; use a string (a command or a file path)`);
      }
    }
  }
  return { settings: { rules, shellcheck }, problems };
}

export interface SettingsSource {
  /** workspace/configuration for one document or folder (`undefined`: no scope, when there is no
   *  folder); undefined when the client cannot be asked. */
  fetch(uri: string | undefined): Promise<unknown> | undefined;
  warn(message: string): void;
}

/** A client that never answers workspace/configuration must not stop linting. */
const FETCH_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the client did not answer workspace/configuration within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Settings per workspace folder: VS Code settings differ by folder (and by language, and every
 *  document here is a Dockerfile), not by file, so one fetch serves every document of a folder. */
export class SettingsCache {
  private readonly byScope = new Map<string, Promise<DockerfileSettings>>();
  private folders: string[] = [];
  /** Each folder's URI as the client gave it, by its scope key (which ends with "/"). */
  private readonly folderUris = new Map<string, string>();
  private pushed: unknown = undefined;
  private readonly reported = new Set<string>();

  constructor(private readonly source: SettingsSource) {}

  setWorkspaceFolders(uris: readonly string[]): void {
    this.folders = uris.map((u) => (u.endsWith('/') ? u : `${u}/`)).sort((a, b) => b.length - a.length);
    this.folderUris.clear();
    for (const u of uris) this.folderUris.set(u.endsWith('/') ? u : `${u}/`, u);
    this.byScope.clear();
  }

  /** Asks for every folder's settings now (the client has just said it is ready), so the first
   *  document opened does not wait a round trip to the client for them. */
  prefetch(): void {
    for (const scope of this.folders.length ? this.folders : ['']) {
      if (!this.byScope.has(scope)) this.byScope.set(scope, this.load(scope ? this.folderUris.get(scope) : undefined));
    }
  }

  get(uri: string): Promise<DockerfileSettings> {
    const scope = this.folders.find((f) => uri.startsWith(f)) ?? '';
    let s = this.byScope.get(scope);
    if (!s) {
      s = this.load(uri);
      this.byScope.set(scope, s);
    }
    return s;
  }

  /** Settings changed: drop the cache; `pushed` is the didChangeConfiguration payload's section. */
  invalidate(pushed?: unknown): void {
    this.byScope.clear();
    this.reported.clear();
    if (pushed !== undefined) this.pushed = pushed;
  }

  private async load(uri: string | undefined): Promise<DockerfileSettings> {
    let raw: unknown = this.pushed;
    try {
      const fetched = this.source.fetch(uri);
      if (fetched) raw = await withTimeout(fetched, FETCH_TIMEOUT_MS);
    } catch (e) {
      this.source.warn(`berth: could not read the berth.dockerfile settings (${e instanceof Error ? e.message : String(e)}); using the defaults`);
    }
    const { settings, problems } = checkSettings(raw);
    for (const p of problems) {
      if (this.reported.has(p)) continue;
      this.reported.add(p);
      this.source.warn(`berth: ${p}`);
    }
    return settings;
  }
}
