// A docker credential helper (`docker-credential-<name>`), called as the docker CLI calls it: the action
// as the only argument, the request on stdin, JSON on stdout.
import { execFile } from 'node:child_process';

export type HelperAction = 'get' | 'store' | 'erase' | 'list';

/** What a helper answers to `get`; `Username` `<token>` means Secret is an identity token. */
export interface HelperCredentials {
  ServerURL?: string;
  Username: string;
  Secret: string;
}

export class CredentialHelperError extends Error {}

/** Runs one helper action; `env` so tests (and the user's PATH) decide which program runs. */
export type RunHelper = (helper: string, action: HelperAction, input: string) => Promise<string>;

export function credentialHelperRunner(env: NodeJS.ProcessEnv = process.env): RunHelper {
  return (helper, action, input) =>
    new Promise((resolve, reject) => {
      const program = `docker-credential-${helper}`;
      const child = execFile(program, [action], { env, timeout: 30_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const out = `${stdout}`.trim() || `${stderr}`.trim();
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new CredentialHelperError(`The credential helper ${program} (from the docker config) is not on PATH.`));
        // The helper's own words (e.g. "credentials not found in native keychain"): they never hold the secret.
        reject(new CredentialHelperError(out || `${program} ${action} failed (${err.message})`));
      });
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    });
}

export function isNotFound(err: unknown): boolean {
  return err instanceof CredentialHelperError && /credentials not found/i.test(err.message);
}

export async function helperGet(run: RunHelper, helper: string, serverUrl: string): Promise<HelperCredentials | undefined> {
  let out: string;
  try {
    out = await run(helper, 'get', serverUrl);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const v = JSON.parse(out) as Partial<HelperCredentials>;
  if (typeof v.Secret !== 'string' || !v.Secret) return undefined;
  return { ServerURL: v.ServerURL, Username: typeof v.Username === 'string' ? v.Username : '', Secret: v.Secret };
}

export async function helperStore(run: RunHelper, helper: string, creds: HelperCredentials): Promise<void> {
  await run(helper, 'store', JSON.stringify(creds));
}

export async function helperErase(run: RunHelper, helper: string, serverUrl: string): Promise<void> {
  try {
    await run(helper, 'erase', serverUrl);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Server URL → user name, of every credential the helper holds. */
export async function helperList(run: RunHelper, helper: string): Promise<Record<string, string>> {
  const v = JSON.parse(await run(helper, 'list', '')) as unknown;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
}
