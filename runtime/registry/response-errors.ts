// Turns a registry's error answer into a RegistryError worded the way Docker words it, so users can
// search for the message they know (`pull access denied for X ...`).
import { RegistryError, describeDistributionErrors, parseDistributionErrors } from './errors.js';
import { readErrorBody, type HttpResponse } from './http-transport.js';

export interface FailureContext {
  op: 'pull' | 'push';
  /** Familiar repository name, e.g. `alpine` or `127.0.0.1:5000/app`. */
  name: string;
  /** What was being fetched or sent, e.g. `manifest for alpine:3` or `layer 3f4d90098f5b`. */
  subject: string;
  registry: string;
  hasCredentials: boolean;
}

export async function responseError(res: HttpResponse, ctx: FailureContext): Promise<RegistryError> {
  const errors = parseDistributionErrors(await readErrorBody(res));
  const codes = new Set(errors.map((e) => e.code));
  const said = errors.length ? `: ${describeDistributionErrors(errors)}` : '';
  const status = res.status;

  if (status === 401 || status === 403) {
    if (ctx.op === 'pull') {
      return new RegistryError('unauthorized', `pull access denied for ${ctx.name}, repository does not exist or may require 'docker login'${said}`);
    }
    return new RegistryError(
      'unauthorized',
      ctx.hasCredentials
        ? `push access denied for ${ctx.name}: requested access to the resource is denied${said}`
        : `push access denied for ${ctx.name}: authentication required; run 'docker login ${ctx.registry}'${said}`,
    );
  }
  if (status === 404) {
    if (codes.has('MANIFEST_UNKNOWN')) return new RegistryError('not-found', `${ctx.subject} not found${said}`);
    if (codes.has('BLOB_UNKNOWN') || codes.has('BLOB_UPLOAD_UNKNOWN')) {
      return new RegistryError('not-found', `${ctx.subject} is missing from the registry${said}`);
    }
    if (ctx.op === 'pull') {
      return new RegistryError('not-found', `pull access denied for ${ctx.name}, repository does not exist or may require 'docker login'${said}`);
    }
    return new RegistryError('not-found', `repository ${ctx.name} does not exist on the registry${said}`);
  }
  if (codes.has('DIGEST_INVALID') || codes.has('SIZE_INVALID')) {
    return new RegistryError('digest-mismatch', `registry rejected ${ctx.subject}: its content does not match its digest or size${said}`);
  }
  if (status === 429) {
    return new RegistryError('unavailable', `registry ${ctx.registry} is rate-limiting requests (toomanyrequests); try again later${said}`);
  }
  if (status >= 400 && status < 500) {
    return new RegistryError('invalid', `registry refused ${ctx.subject} (HTTP ${status})${said}`);
  }
  return new RegistryError('unavailable', `registry ${ctx.registry} failed on ${ctx.subject} (HTTP ${status})${said}`);
}
