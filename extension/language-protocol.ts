// Berth's additions to LSP between the extension and dist/language-server.js. The server keeps the twin
// of this file (language-server/protocol.ts); test/architecture/protocol.test.ts checks they agree.

/** Client -> server: image references the engine has, for FROM completion (`repo:tag`, familiar form). */
export const IMAGE_NAMES_NOTIFICATION = 'berth/imageNames';
export interface ImageNamesParams {
  names: string[];
}

/** The `initializationOptions` the extension sends: what else it can answer. */
export interface InitializationOptions {
  /** The client answers BASE_IMAGES_REQUEST from its engine. */
  baseImages?: boolean;
}

/** Server -> client: what the engine knows of the images FROM lines name, for lint, completion and
 *  hover. Asked only of clients whose initializationOptions say `baseImages: true`. */
export const BASE_IMAGES_REQUEST = 'berth/baseImages';
export interface BaseImagesParams {
  /** References as FROM names them after ARG expansion (`node:22`). */
  references: string[];
}
export interface BaseImagesResult {
  /** One per reference asked, in the same order. */
  images: BaseImageAnswer[];
}
export interface BaseImageAnswer {
  reference: string;
  /** null: the engine does not have the image, or there is no engine to ask. */
  image: ImageConfigFacts | null;
}
/** An image's config as `docker image inspect` shows it (GET /images/{name}/json). */
export interface ImageConfigFacts {
  id: string;
  /** RFC 3339, as the engine gives it. */
  created: string;
  /** Bytes. */
  size: number;
  os: string;
  architecture: string;
  /** Config.Env: `NAME=value` entries. */
  env: string[];
  /** Config.User (`''`: root). */
  user: string;
  /** Config.WorkingDir (`''`: /). */
  workingDir: string;
  /** Config.ExposedPorts' keys (`80/tcp`). */
  exposedPorts: string[];
  /** Config.Shell (`[]`: unset). */
  shell: string[];
  entrypoint: string[];
  cmd: string[];
}

/** Client -> server: the engine's images changed (build, pull, tag, removal, another engine), so
 *  facts from BASE_IMAGES_REQUEST may be stale: the server asks again for its open documents. */
export const BASE_IMAGES_CHANGED_NOTIFICATION = 'berth/baseImagesChanged';

/** The settings section the server pulls with workspace/configuration. */
export const SETTINGS_SECTION = 'berth.dockerfile';
export interface DockerfileSettings {
  /** Per-rule severity by rule code or alias (`DL3006`, `FromAsCasing`): error, warning, info, hint or off. */
  rules: Record<string, 'error' | 'warning' | 'info' | 'hint' | 'off'>;
  shellcheck: { enable: boolean; path: string };
}

/** The language id of Compose files (compose.yaml, docker-compose.yml, ...), served by the same server. */
export const COMPOSE_LANGUAGE_ID = 'dockercompose';
