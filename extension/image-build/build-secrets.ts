// Build secrets and ssh agents for Berth's bundled engine. Its legacy build API has no field for them,
// so the engine reads two headers of its own (runtime/README.md, "RUN --mount, secrets and ssh"):
//   X-Berth-Build-Secrets: base64 of JSON {"<id>": "<base64 of the value>"}
//   X-Berth-Build-Ssh:     base64 of JSON {"<id>": "<ssh-agent socket path the engine can reach>"}
// Docker Engine and Podman ignore them (their secrets need BuildKit's session), so only send them
// to the bundled engine.
import type Docker from 'dockerode';

export interface BuildSecretsInput {
  /** Secret values by id (RUN --mount=type=secret,id=<id>). */
  secrets?: Record<string, string | Uint8Array>;
  /** ssh-agent socket paths by id (`default` for RUN --mount=type=ssh without an id). */
  ssh?: Record<string, string>;
}

export function buildSecretsHeaders(input: BuildSecretsInput): Record<string, string> {
  const out: Record<string, string> = {};
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64');
  const secrets = Object.entries(input.secrets ?? {});
  if (secrets.length) out['X-Berth-Build-Secrets'] = enc(Object.fromEntries(secrets.map(([k, v]) => [k, Buffer.from(v).toString('base64')])));
  if (Object.keys(input.ssh ?? {}).length) out['X-Berth-Build-Ssh'] = enc(input.ssh);
  return out;
}

/** dockerode's buildImage with the secret headers added: the reply is the same JSON message stream. */
export function buildImageWithSecrets(
  docker: Docker, context: NodeJS.ReadableStream, query: Record<string, unknown>, input: BuildSecretsInput,
  /** X-Registry-Config, pre-encoded (registry-credentials.ts): the logins FROM may need. */
  registryconfig?: { base64: string },
): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({
      path: '/build?', method: 'POST', file: context, options: query, isStream: true, registryconfig,
      headers: { 'Content-Type': 'application/tar', ...buildSecretsHeaders(input) },
      statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
    }, (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as NodeJS.ReadableStream)));
  });
}
