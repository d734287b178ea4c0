// Dockerfile for a Node.js app: production dependencies in one stage, an optional `npm run build` in
// another, and a slim runtime running `node <entry>` as a non-root user.
import { APP_DIR, type ProjectFacts, type ScaffoldOptions } from '../ecosystems.js';
import { CHOWN, createUser, execForm, header, healthcheck, lines, run, USER_LINE, uncachedRules } from './dockerfile-parts.js';

export const NODE_IMAGE = 'node:20-bookworm-slim';

export function nodeDockerfile(facts: ProjectFacts, opts: ScaffoldOptions): string {
  const node = facts.node ?? { entry: 'index.js', lockfile: 'none', hasBuildScript: false };
  const manifests = node.lockfile === 'npm' ? 'package.json package-lock.json' : 'package.json';
  // npm ci needs the lockfile; without one, npm install resolves the same ranges.
  // npm makes no node_modules for a project without dependencies; the runtime stage copies it all the same.
  const install = (dev: boolean) =>
    `${run(opts, '/root/.npm')}${node.lockfile === 'npm' ? 'npm ci' : 'npm install'}${dev ? '' : ' --omit=dev'} --no-audit --no-fund && mkdir -p node_modules`;
  const build = node.hasBuildScript && [
    `FROM ${NODE_IMAGE} AS build`,
    `WORKDIR ${APP_DIR}`,
    `COPY ${manifests} ./`,
    install(true),
    'COPY . .',
    'RUN npm run build',
    '',
  ].join('\n');
  return lines(
    header('Node.js app', uncachedRules(opts, 'DL3068')),
    '',
    `FROM ${NODE_IMAGE} AS deps`,
    `WORKDIR ${APP_DIR}`,
    'ENV NODE_ENV=production',
    `COPY ${manifests} ./`,
    install(false),
    '',
    build,
    `FROM ${NODE_IMAGE}`,
    `WORKDIR ${APP_DIR}`,
    `ENV NODE_ENV=production PORT=${opts.port}`,
    createUser(),
    `COPY --from=deps ${APP_DIR}/node_modules ./node_modules`,
    node.hasBuildScript ? `COPY --from=build ${CHOWN} ${APP_DIR} ./` : `COPY ${CHOWN} . .`,
    USER_LINE,
    `EXPOSE ${opts.port}`,
    facts.servesHttp && healthcheck(['node', '-e', `fetch('http://127.0.0.1:${opts.port}/').then((r) => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))`]),
    `CMD ${execForm(['node', node.entry])}`,
  );
}
