// Berth's additions to LSP between dist/language-server.js and the extension. Twin of
// extension/language-protocol.ts (the two parts may not import each other);
// test/architecture/protocol.test.ts checks they agree.

/** Client -> server: image references the engine has, for FROM completion (`repo:tag`, familiar form). */
export const IMAGE_NAMES_NOTIFICATION = 'berth/imageNames';
export interface ImageNamesParams {
  names: string[];
}

/** The settings section the server pulls with workspace/configuration. */
export const SETTINGS_SECTION = 'berth.dockerfile';
export interface DockerfileSettings {
  /** Per-rule severity by rule code or alias (`DL3006`, `FromAsCasing`): error, warning, info, hint or off. */
  rules: Record<string, 'error' | 'warning' | 'info' | 'hint' | 'off'>;
  shellcheck: { enable: boolean; path: string };
}

/** The language id of Compose files (compose.yaml, docker-compose.yml, ...), served by the same server. */
export const COMPOSE_LANGUAGE_ID = 'dockercompose';
