// Pieces every Dockerfile template shares: the header, the non-root user, the healthcheck line.
import { APP_UID } from '../ecosystems.js';

/** Read by the builder (`# syntax=` lets BuildKit engines take RUN --mount), then what made the file.
 *  `uncached`: the cache-mount rules (DL3068-DL3077) this file's RUN steps would trip because the
 *  engine's builder takes no RUN --mount (see `run`); they are turned off for the file, saying why,
 *  so a fresh file has no findings whose advice the engine cannot follow. */
export function header(what: string, uncached: readonly string[] = []): string {
  return [
    '# syntax=docker/dockerfile:1',
    `# ${what}, made by Berth's "Add Docker Files to Workspace".`,
    '# Dependencies are installed in their own step before the code is copied, so a change to the code',
    '# rebuilds only what follows it.',
    ...(uncached.length ? [
      '# The engine this was made for builds without RUN --mount, so the steps have no cache mounts; with',
      '# BuildKit (Berth\'s engine, Docker\'s BuildKit) add them and drop the next line.',
      `# hadolint global ignore=${uncached.join(',')}`,
    ] : []),
  ].join('\n');
}

/** The cache-mount rules to turn off for a file made without cache mounts (none when it has them). */
export function uncachedRules(opts: { cacheMounts: boolean }, ...ruleIds: string[]): string[] {
  return opts.cacheMounts ? [] : ruleIds;
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
