// The credentials the Engine API takes for one registry (the AuthConfig of X-Registry-Auth and POST /auth),
// and the two headers that carry them, encoded as the docker CLI encodes them.

export interface AuthConfig {
  username?: string;
  password?: string;
  /** An OAuth refresh token a registry handed out at login; sent instead of the password. */
  identitytoken?: string;
  serveraddress?: string;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** X-Registry-Auth for pull and push: base64url JSON of one AuthConfig; `{}` (anonymous) when there is none. */
export function registryAuthHeader(auth: AuthConfig | undefined): string {
  return base64url(JSON.stringify(auth ?? {}));
}

/** X-Registry-Config for build: base64url JSON of every known registry's AuthConfig, by config key. */
export function registryConfigHeader(all: ReadonlyMap<string, AuthConfig>): string {
  return base64url(JSON.stringify(Object.fromEntries(all)));
}
