// The registry credentials a Compose run sends with its pulls (X-Registry-Auth) and builds
// (X-Registry-Config), since no engine remembers a `docker login`. The extension gives its own
// RegistryCredentials (Berth's logins, then the docker CLI's); berth-compose reads the docker CLI's
// config.json and credential helpers, as `docker compose` does.
import { registryAuthHeader, registryConfigHeader, type AuthConfig } from './auth-config.js';
import type { DockerConfig } from './docker-config.js';
import { registryOfImage } from './registry-names.js';

export interface RegistryAuth {
  /** dockerode's `authconfig` for a pull of `imageRef`: the pre-encoded X-Registry-Auth. */
  pullPushAuth(imageRef: string): Promise<{ base64: string }>;
  /** dockerode's `registryconfig` for a build: every known registry's credentials, pre-encoded. */
  buildRegistryConfig(): Promise<{ base64: string }>;
}

export class DockerConfigAuth implements RegistryAuth {
  /** `warn`: a config or helper that cannot be read is said once per request, and the request goes out anonymous. */
  constructor(
    private readonly config: DockerConfig,
    private readonly warn: (line: string) => void = () => undefined,
  ) {}

  async pullPushAuth(imageRef: string): Promise<{ base64: string }> {
    const registry = registryOfImage(imageRef);
    let auth: AuthConfig | undefined;
    try {
      auth = await this.config.get(registry);
    } catch (err) {
      this.warn(`cannot read the credentials for ${registry} from ${this.config.file}: ${(err as Error).message}; pulling without them`);
    }
    return { base64: registryAuthHeader(auth) };
  }

  async buildRegistryConfig(): Promise<{ base64: string }> {
    let all = new Map<string, AuthConfig>();
    try {
      all = await this.config.all();
    } catch (err) {
      this.warn(`cannot read the credentials in ${this.config.file}: ${(err as Error).message}; building without them`);
    }
    return { base64: registryConfigHeader(all) };
  }
}
