// The credentials Berth sends with a pull, push or build: Berth's own (SecretStorage) first, then the
// docker CLI's (config.json and its helpers). Every engine gets them in the request, since none of
// Docker Engine, Podman or berthd remembers a `docker login`.
import { registryAuthHeader, registryConfigHeader, type AuthConfig } from './auth-config.js';
import type { BerthCredentials } from './berth-credentials.js';
import type { DockerConfig } from './docker-config.js';
import { configKeyOf, normalizeRegistry, registryOfImage } from './registry-names.js';

/** Where a known login lives; a registry may be in both. */
export type CredentialSource = 'berth' | 'docker-config';

export interface KnownLogin {
  registry: string;
  source: CredentialSource;
  username?: string;
}

export class RegistryCredentials {
  constructor(
    readonly berth: BerthCredentials,
    readonly dockerConfig: DockerConfig,
    /** Problems reading the docker config (a broken helper): logged, never fatal, and never with a secret. */
    private readonly warn: (line: string) => void = () => undefined,
  ) {}

  async forRegistry(registry: string): Promise<AuthConfig | undefined> {
    const own = await this.berth.get(registry);
    if (own) return own;
    try {
      return await this.dockerConfig.get(registry);
    } catch (err) {
      this.warn(`Could not read the docker config's credentials for ${registry}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** The authconfig option dockerode turns into X-Registry-Auth for a pull or push of `imageRef`. */
  async pullPushAuth(imageRef: string): Promise<{ base64: string }> {
    return { base64: registryAuthHeader(await this.forRegistry(registryOfImage(imageRef))) };
  }

  /** The registryconfig option dockerode turns into X-Registry-Config for a build: every known registry. */
  async buildRegistryConfig(): Promise<{ base64: string }> {
    return { base64: registryConfigHeader(await this.all()) };
  }

  async all(): Promise<Map<string, AuthConfig>> {
    let all = new Map<string, AuthConfig>();
    try {
      all = await this.dockerConfig.all();
    } catch (err) {
      this.warn(`Could not read the docker config's credentials: ${(err as Error).message}`);
    }
    for (const r of await this.berth.registries()) {
      const own = await this.berth.get(r);
      if (own) all.set(configKeyOf(r), own);
    }
    return all;
  }

  async known(): Promise<KnownLogin[]> {
    const out: KnownLogin[] = [];
    for (const r of await this.berth.registries()) out.push({ registry: r, source: 'berth', username: (await this.berth.get(r))?.username });
    let fromConfig = new Map<string, AuthConfig>();
    try {
      fromConfig = await this.dockerConfig.all();
    } catch (err) {
      this.warn(`Could not read the docker config's credentials: ${(err as Error).message}`);
    }
    for (const [key, auth] of fromConfig) out.push({ registry: normalizeRegistry(key), source: 'docker-config', username: auth.username });
    return out;
  }
}
