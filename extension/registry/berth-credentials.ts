// Credentials Berth keeps itself, in VS Code's SecretStorage (the OS keychain where there is one).
// SecretStorage cannot list its keys, so the registries logged in to are kept in one more secret.
import type { AuthConfig } from './auth-config.js';
import { configKeyOf, normalizeRegistry } from './registry-names.js';

/** The part of vscode.SecretStorage used here, so this module runs without VS Code. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

const INDEX_KEY = 'berth.registries';
const keyOf = (registry: string): string => `berth.registry:${normalizeRegistry(registry)}`;

export class BerthCredentials {
  constructor(private readonly secrets: SecretStore) {}

  async registries(): Promise<string[]> {
    const raw = await this.secrets.get(INDEX_KEY);
    if (!raw) return [];
    try {
      const v = JSON.parse(raw) as unknown;
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }

  async get(registry: string): Promise<AuthConfig | undefined> {
    const raw = await this.secrets.get(keyOf(registry));
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as AuthConfig;
      return { ...v, serveraddress: configKeyOf(registry) };
    } catch {
      return undefined;
    }
  }

  async store(registry: string, auth: AuthConfig): Promise<void> {
    const host = normalizeRegistry(registry);
    const { username, password, identitytoken } = auth;
    await this.secrets.store(keyOf(host), JSON.stringify({ username, password, identitytoken }));
    const known = await this.registries();
    if (!known.includes(host)) await this.secrets.store(INDEX_KEY, JSON.stringify([...known, host].sort()));
  }

  async erase(registry: string): Promise<void> {
    const host = normalizeRegistry(registry);
    await this.secrets.delete(keyOf(host));
    await this.secrets.store(INDEX_KEY, JSON.stringify((await this.registries()).filter((r) => r !== host)));
  }
}
