// A runner failure the user can act on: which service or resource, and the engine's own words.
export class RunError extends Error {
  constructor(
    message: string,
    /** The process exit status the CLI should use (docker compose's, 1 unless a command's own). */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
