// Pieces every Dockerfile template shares: the header, the non-root user, the healthcheck line.
import { APP_UID } from '../ecosystems.js';

/** Read by the builder (`# syntax=` lets BuildKit engines take RUN --mount), then what made the file. */
export function header(what: string): string {
  return [
    '# syntax=docker/dockerfile:1',
    `# ${what}, made by Berth's "Add Docker Files to Workspace".`,
    '# Dependencies are installed in their own step before the code is copied, so a change to the code',
    '# rebuilds only what follows it.',
  ].join('\n');
}

/** A system user with a fixed numeric id, made in Debian-based images (groupadd and useradd are in `passwd`, always installed). */
export function createUser(): string {
  return `RUN groupadd --system --gid ${APP_UID} app && useradd --system --uid ${APP_UID} --gid app --no-create-home app`;
}

export const USER_LINE = `USER ${APP_UID}:${APP_UID}`;
export const CHOWN = `--chown=${APP_UID}:${APP_UID}`;

/** `RUN ` with cache mounts at `targets` when the builder takes them. */
export function run(opts: { cacheMounts: boolean }, ...targets: string[]): string {
  return opts.cacheMounts && targets.length ? `RUN ${targets.map((t) => `--mount=type=cache,target=${t}`).join(' ')} ` : 'RUN ';
}

/** HEALTHCHECK in exec form: the probe runs without a shell. */
export function healthcheck(argv: readonly string[]): string {
  return `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\\n  CMD ${execForm(argv)}`;
}

export function execForm(argv: readonly string[]): string {
  return JSON.stringify(argv).replace(/","/g, '", "');
}

/** Joins sections with one blank line, dropping empty ones; ends with a newline. */
export function lines(...sections: (string | false | undefined)[]): string {
  return `${sections.filter((s): s is string => typeof s === 'string').join('\n')}\n`;
}
