// Credentials where the docker CLI keeps them: `$DOCKER_CONFIG/config.json` (else ~/.docker/config.json),
// in `auths` (base64 "user:password" or an identity token), or in a credential helper named by
// `credHelpers` (per registry) or `credsStore` (all registries). Reading and writing follow `docker login`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AuthConfig } from './auth-config.js';
import { helperErase, helperGet, helperList, helperStore, type RunHelper } from './credential-helper.js';
import { configKeyOf, normalizeRegistry } from './registry-names.js';

interface AuthsEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface ConfigFile {
  auths?: Record<string, AuthsEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [other: string]: unknown;
}

/** The helper's user name that marks its secret as an identity token. */
const TOKEN_USER = '<token>';

export function dockerConfigPath(env: NodeJS.ProcessEnv, homeDir: string): string {
  return path.join(env.DOCKER_CONFIG || path.join(homeDir, '.docker'), 'config.json');
}

export class DockerConfig {
  constructor(
    readonly file: string,
    private readonly runHelper: RunHelper,
  ) {}

  private read(): ConfigFile {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    if (!text.trim()) return {};
    try {
      const v = JSON.parse(text) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as ConfigFile) : {};
    } catch (err) {
      throw new Error(`${this.file} is not valid JSON (${(err as Error).message}); fix it or move it away.`);
    }
  }

  /** The helper that holds this registry's credentials, if the config names one. */
  helperFor(registry: string): string | undefined {
    const cfg = this.read();
    const host = normalizeRegistry(registry);
    const perRegistry = Object.entries(cfg.credHelpers ?? {}).find(([k]) => normalizeRegistry(k) === host)?.[1];
    return perRegistry || cfg.credsStore || undefined;
  }

  /** Where `store` puts credentials: a helper's name, or the file itself. */
  storeDescription(registry: string): string {
    let helper: string | undefined;
    try {
      helper = this.helperFor(registry);
    } catch (err) {
      // Offered anyway: storing then fails with this same reason, which the user can fix.
      return `cannot be read now: ${(err as Error).message}`;
    }
    return helper ? `docker-credential-${helper}` : `${this.file} (base64, as docker login does without a credential store)`;
  }

  async get(registry: string): Promise<AuthConfig | undefined> {
    const cfg = this.read();
    const host = normalizeRegistry(registry);
    const serveraddress = configKeyOf(host);
    const helper = this.helperFor(host);
    if (helper) {
      // The CLI asks the helper with the key it stored under; try the bare host too for hand-made entries.
      const keys = [...new Set([serveraddress, ...this.keysOf(cfg, host)])];
      for (const key of keys) {
        const got = await helperGet(this.runHelper, helper, key);
        if (got) return fromHelper(got, serveraddress);
      }
      return undefined;
    }
    for (const key of this.keysOf(cfg, host)) {
      const auth = fromAuthsEntry(cfg.auths?.[key], serveraddress);
      if (auth) return auth;
    }
    return undefined;
  }

  /** Every registry this config has credentials for, by config key (for builds, which may pull from any). */
  async all(): Promise<Map<string, AuthConfig>> {
    const cfg = this.read();
    const registries = new Set<string>([...Object.keys(cfg.auths ?? {}), ...Object.keys(cfg.credHelpers ?? {})].map(normalizeRegistry));
    if (cfg.credsStore) {
      for (const url of Object.keys(await helperList(this.runHelper, cfg.credsStore).catch(() => ({})))) registries.add(normalizeRegistry(url));
    }
    const out = new Map<string, AuthConfig>();
    for (const r of registries) {
      const auth = await this.get(r).catch(() => undefined);
      if (auth) out.set(configKeyOf(r), auth);
    }
    return out;
  }

  /** As `docker login` saves: through the helper (leaving an empty `auths` entry), else base64 in `auths`. */
  async store(registry: string, auth: AuthConfig): Promise<void> {
    const key = configKeyOf(registry);
    const cfg = this.read();
    const helper = this.helperFor(registry);
    cfg.auths ??= {};
    if (helper) {
      const secret = auth.identitytoken ?? auth.password ?? '';
      await helperStore(this.runHelper, helper, { ServerURL: key, Username: auth.identitytoken ? TOKEN_USER : (auth.username ?? ''), Secret: secret });
      cfg.auths[key] = {};
    } else if (auth.identitytoken) {
      cfg.auths[key] = { auth: Buffer.from(`${auth.username ?? ''}:`).toString('base64'), identitytoken: auth.identitytoken };
    } else {
      cfg.auths[key] = { auth: Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64') };
    }
    this.write(cfg);
  }

  async erase(registry: string): Promise<void> {
    const cfg = this.read();
    const host = normalizeRegistry(registry);
    const helper = this.helperFor(host);
    if (helper) await helperErase(this.runHelper, helper, configKeyOf(host));
    for (const key of this.keysOf(cfg, host)) delete cfg.auths?.[key];
    this.write(cfg);
  }

  private keysOf(cfg: ConfigFile, host: string): string[] {
    return Object.keys(cfg.auths ?? {}).filter((k) => normalizeRegistry(k) === host);
  }

  private write(cfg: ConfigFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // Through a temporary file, so a crash never leaves a half-written config behind; 0600 as the CLI does.
    const tmp = `${this.file}.berth-${process.pid}`;
    fs.writeFileSync(tmp, `${JSON.stringify(cfg, null, '\t')}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}

function fromHelper(got: { Username: string; Secret: string }, serveraddress: string): AuthConfig {
  if (got.Username === TOKEN_USER) return { identitytoken: got.Secret, serveraddress };
  return { username: got.Username, password: got.Secret, serveraddress };
}

function fromAuthsEntry(entry: AuthsEntry | undefined, serveraddress: string): AuthConfig | undefined {
  if (!entry) return undefined;
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 || (colon === 0 && entry.identitytoken)) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  if (entry.identitytoken) return { ...(username ? { username } : {}), identitytoken: entry.identitytoken, serveraddress };
  if (!username && !password) return undefined;
  return { username, password, serveraddress };
}
