// Dockerfile for a Python app: a virtual environment filled in a build stage (requirements.txt or the
// pyproject's own install), copied into a slim runtime that runs as a non-root user.
import { APP_DIR, type ProjectFacts, type ScaffoldOptions } from '../ecosystems.js';
import { CHOWN, createUser, execForm, header, healthcheck, lines, run, USER_LINE } from './dockerfile-parts.js';

export const PYTHON_IMAGE = 'python:3.11-slim-bookworm';
const VENV = '/opt/venv';

export function pythonCommand(facts: ProjectFacts): string[] {
  const entry = facts.python?.entry ?? { kind: 'script', path: 'app.py' };
  return entry.kind === 'script' ? ['python', entry.path] : ['python', '-m', entry.module];
}

export function pythonDockerfile(facts: ProjectFacts, opts: ScaffoldOptions): string {
  const req = facts.python?.requirements ?? 'none';
  // Without a cache mount pip's own cache would only make the image bigger.
  const pip = opts.cacheMounts ? `${run(opts, '/root/.cache/pip')}pip install` : 'RUN pip install --no-cache-dir';
  const install =
    req === 'requirements.txt' ? ['COPY requirements.txt ./', `${pip} -r requirements.txt`]
    : req === 'pyproject.toml' ? ['COPY . .', `${pip} .`]
    : [];
  return lines(
    header('Python app'),
    '',
    `FROM ${PYTHON_IMAGE} AS build`,
    `WORKDIR ${APP_DIR}`,
    // --system-site-packages: what the base image has installed (a debugger, for one) stays importable.
    `RUN python -m venv --system-site-packages ${VENV}`,
    `ENV PATH=${VENV}/bin:$PATH`,
    ...install,
    '',
    `FROM ${PYTHON_IMAGE}`,
    `WORKDIR ${APP_DIR}`,
    `ENV PATH=${VENV}/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=${opts.port}`,
    createUser(),
    `COPY --from=build ${VENV} ${VENV}`,
    `COPY ${CHOWN} . .`,
    USER_LINE,
    `EXPOSE ${opts.port}`,
    facts.servesHttp && healthcheck(['python', '-c', `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${opts.port}/', timeout=4)`]),
    `CMD ${execForm(pythonCommand(facts))}`,
  );
}
