// Build routes: POST /build (the legacy builder; DOCKER_BUILDKIT=0), POST /build/prune (step images
// no build result uses). BuildKit's /session and /grpc are not served: the CLI then needs
// DOCKER_BUILDKIT=0, which this answers with a message naming it.
import { InvalidError } from '../../errdefs.js';
import type { Services } from '../../daemon/services.js';
import { BuildService, type CredentialsFor } from '../../builder/build-service.js';
import { pruneBuildSteps } from '../../builder/prune.js';
import { buildSecretsFrom } from '../../builder/mounts/build-secrets.js';
import { parseBuildOptions } from '../../builder/options.js';
import { BuildOutput } from '../../builder/output.js';
import type { RegistryCredentials } from '../../registry/transfer-types.js';
import { discardBody } from '../body.js';
import { queryBool } from '../query.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';

const BUILDKIT_HINT = 'BuildKit is not supported by this engine: build with the legacy builder (DOCKER_BUILDKIT=0 docker build ...)';

export function registerBuildRoutes(router: Router, s: Services): void {
  const builds = new BuildService(s);

  router.post('/build', async (req, res) => {
    let options;
    try {
      options = parseBuildOptions(req.query);
    } catch (err) {
      discardBody(req.raw);
      throw err;
    }
    let secrets;
    try {
      secrets = buildSecretsFrom(req.raw.headers);
    } catch (err) {
      discardBody(req.raw);
      throw err;
    }
    const credentials = registryConfig(req.raw.headers['x-registry-config']);
    await builds.build(req.raw, options, new BuildOutput(res, options.quiet), credentials, secrets);
  });

  router.post('/build/prune', async (req, res) => {
    discardBody(req.raw);
    const steps = await pruneBuildSteps(s.images, queryBool(req.query, 'all'));
    // BuildKit prunes cache mounts with the rest of the build cache; nothing else uses them.
    const mounts = await builds.cacheMounts.prune();
    const deleted = [...(steps.CachesDeleted ?? []), ...mounts.ids];
    sendJson(res, 200, { CachesDeleted: deleted.length ? deleted : null, SpaceReclaimed: steps.SpaceReclaimed + mounts.reclaimed });
  });

  for (const path of ['/session', '/grpc']) {
    router.post(path, (req) => {
      discardBody(req.raw);
      throw new InvalidError(BUILDKIT_HINT);
    });
  }
}

/** X-Registry-Config: base64url JSON of registry → credentials (all the CLI knows, for FROM pulls). */
function registryConfig(header: string | string[] | undefined): CredentialsFor {
  const raw = Array.isArray(header) ? header[0] : header;
  let map: Record<string, unknown> = {};
  if (raw) {
    try {
      const v: unknown = JSON.parse(Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
      if (v && typeof v === 'object' && !Array.isArray(v)) map = v as Record<string, unknown>;
    } catch {
      throw new InvalidError('malformed X-Registry-Config header: expected base64url-encoded JSON');
    }
  }
  return (registry) => {
    for (const [key, value] of Object.entries(map)) {
      const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
      const matches = host === registry || (registry === 'docker.io' && /(^|\.)docker\.io$/.test(host));
      if (!matches || !value || typeof value !== 'object') continue;
      const c = value as Record<string, unknown>;
      const pick = (k: string): string | undefined => (typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined);
      let username = pick('username');
      let password = pick('password');
      const auth = pick('auth');
      if (!username && auth) [username, password] = Buffer.from(auth, 'base64').toString('utf8').split(/:(.*)/s);
      const creds: RegistryCredentials = { username, password, identitytoken: pick('identitytoken'), registrytoken: pick('registrytoken'), serveraddress: key };
      return creds;
    }
    return undefined;
  };
}
