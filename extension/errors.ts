// Engine errors to messages a user can act on. dockerode rejects with an Error carrying `statusCode`
// and `json` (the engine's `{"message": ...}`); a transport failure carries a Node `code` instead.
// Every command shows its failures through here, so the wording is the same everywhere.

export interface EngineErrorShape {
  statusCode?: number;
  json?: unknown;
  code?: string;
  message?: string;
  reason?: string;
}

/** The engine's own words: `json.message`, else the text after dockerode's "(HTTP code N) reason - " prefix. */
export function engineMessage(err: unknown): string {
  const e = (err ?? {}) as EngineErrorShape;
  const json = e.json;
  if (json && typeof json === 'object' && !Buffer.isBuffer(json) && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message.trim();
  }
  if (typeof json === 'string' && json.trim()) return json.trim();
  if (Buffer.isBuffer(json) && json.length) {
    const text = json.toString('utf8').trim();
    try {
      const parsed = JSON.parse(text) as { message?: string };
      if (typeof parsed.message === 'string') return parsed.message.trim();
    } catch {
      // not JSON: the text itself is the message
    }
    return text;
  }
  const msg = err instanceof Error ? err.message : typeof e.message === 'string' ? e.message : String(err);
  return msg.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** 304 from start/stop: the container is already in the wanted state, which is not a failure. */
export function isNotModified(err: unknown): boolean {
  return (err as EngineErrorShape | undefined)?.statusCode === 304;
}

/** "Could not <doing>: <why>. <what to do>" */
export function engineErrorMessage(err: unknown, doing: string): string {
  const e = (err ?? {}) as EngineErrorShape;
  const why = engineMessage(err);
  const hint = hintFor(e, why);
  return `Could not ${doing}: ${sentence(why)}${hint ? ` ${hint}` : ''}`;
}

const AUTH_HINT = 'The registry refused the credentials Berth sent, or wants some: log in with "Berth: Log In to Registry", then try again.';
const AUTH_FAILURE = /unauthorized|authentication required|no basic auth credentials|incorrect username or password|denied: requested access/;

function hintFor(e: EngineErrorShape, why: string): string {
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ENOENT':
      return 'The engine is not answering; see the Engine view, or run "Berth: Refresh Engine".';
    case 'EACCES':
      return 'This user may not use the engine socket; add the user to the socket\'s group or choose another engine (setting berth.engine).';
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
      return 'The connection to the engine broke; try again, and check the Engine view.';
  }
  const lower = why.toLowerCase();
  // A pull or push refused mid-stream arrives in a 200 response, so its words are all there is to go by.
  if (e.statusCode === 401 || e.statusCode === 403 || AUTH_FAILURE.test(lower)) return AUTH_HINT;
  switch (e.statusCode) {
    case 404:
      // The router's answer for a route it does not have, not a missing resource.
      if (lower === 'page not found') return 'This engine does not offer that operation (its API has no such route).';
      if (lower.includes('pull access denied') || lower.includes('manifest unknown') || lower.includes('repository does not exist')) {
        return 'Check the image name and tag, and that you may read the repository.';
      }
      return 'It may have been removed meanwhile; the views refresh by themselves.';
    case 409:
      if (lower.includes('running') || lower.includes('stop the container')) return 'Stop it first, or remove it with "Force".';
      if (lower.includes('being used') || lower.includes('in use') || lower.includes('has active endpoints')) {
        return 'Remove the containers that use it first.';
      }
      if (lower.includes('already in use') || lower.includes('conflict')) return 'Choose another name, or remove the other one.';
      return '';
    case 500:
      if (lower.includes('port is already allocated') || lower.includes('address already in use')) {
        return 'Another process or container already uses that host port.';
      }
      if (lower.includes('executable file not found') || lower.includes('no such file or directory')) {
        return 'The command does not exist in the image.';
      }
      return '';
    default:
      return '';
  }
}

function sentence(s: string): string {
  const t = s.trim() || 'the engine gave no reason';
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** An error whose message is already written for the user; shown as it is. */
export class UserError extends Error {}

/** The message to show for any failure of `doing`. */
export function userMessage(err: unknown, doing: string): string {
  return err instanceof UserError ? err.message : engineErrorMessage(err, doing);
}
