// Every file "Add Docker Files to Workspace" writes passes Berth's own linters with zero findings:
// each ecosystem's Dockerfile in every variant a project can give it, with and without compose.yaml,
// through the Dockerfile linter (and ShellCheck on RUN where it is installed, as the editor does), and
// compose.yaml through the Compose language server's checks.
import assert from 'node:assert/strict';
import { dockerignoreMatcher } from '../../../dockerfile/ignore/dockerignore.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { lint } from '../../../dockerfile/lint/linter';
import { runShellcheck } from '../../../dockerfile/lint/shellcheck';
import { parseDockerfile } from '../../../dockerfile/syntax/parser';
import { composeFromText } from '../../../language-server/compose/compose-documents';
import { composeDiagnostics } from '../../../language-server/compose/compose-diagnostics';
import type { ProjectFacts, ScaffoldOptions } from '../../../extension/scaffold/ecosystems';
import { scaffoldPlan } from '../../../extension/scaffold/scaffold-plan';

const HAS_SHELLCHECK = !spawnSync('shellcheck', ['--version']).error;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every variant of project facts a template branches on. */
export function factVariants(): ProjectFacts[] {
  const out: ProjectFacts[] = [];
  for (const lockfile of ['npm', 'none'] as const) {
    for (const hasBuildScript of [false, true]) {
      for (const servesHttp of [true, false]) {
        out.push({ ecosystem: 'node', name: 'web-app', servesHttp, node: { entry: 'server.js', lockfile, hasBuildScript } });
      }
    }
  }
  for (const requirements of ['requirements.txt', 'pyproject.toml', 'none'] as const) {
    for (const entry of [{ kind: 'script', path: 'app.py' }, { kind: 'module', module: 'my_app' }] as const) {
      for (const servesHttp of [true, false]) out.push({ ecosystem: 'python', name: 'my-app', servesHttp, python: { entry, requirements } });
    }
  }
  out.push({ ecosystem: 'go', name: 'svc', servesHttp: true, go: { module: 'example.com/svc' } });
  for (const build of ['maven', 'gradle'] as const) out.push({ ecosystem: 'java', name: 'svc', servesHttp: true, java: { build, gradleWrapper: false } });
  for (const servesHttp of [true, false]) {
    out.push({ ecosystem: 'dotnet', name: 'svc', servesHttp, dotnet: { project: 'Svc.csproj', assembly: 'Svc' } });
  }
  return out;
}

const OPTIONS: ScaffoldOptions[] = [
  { port: 3000, hostPort: 3000, compose: true, cacheMounts: true },
  { port: 8080, hostPort: 18080, compose: false, cacheMounts: true },
  { port: 80, hostPort: 49152, compose: true, cacheMounts: false },
  { port: 5000, hostPort: 5000, compose: false, cacheMounts: false },
];

function describe(f: ProjectFacts, o: ScaffoldOptions): string {
  return `${f.ecosystem} ${JSON.stringify(f[f.ecosystem])} http=${f.servesHttp} ${JSON.stringify(o)}`;
}

test('every Dockerfile the templates write has zero findings', async () => {
  let checked = 0;
  for (const facts of factVariants()) {
    for (const opts of OPTIONS) {
      const plan = scaffoldPlan(facts, opts);
      const dockerfile = plan.files.find((f) => f.path === 'Dockerfile')!.content;
      const ignoreText = plan.files.find((f) => f.path === '.dockerignore')!.content;
      const ast = parseDockerfile(dockerfile);
      const options = { dockerignore: dockerignoreMatcher(ignoreText) };
      const findings = lint(ast, options);
      if (HAS_SHELLCHECK) findings.push(...(await runShellcheck(ast, options)));
      assert.deepEqual(
        findings.map((x) => `${x.range.start.line + 1}: ${x.ruleId} ${x.message}`),
        [],
        `${describe(facts, opts)}\n${dockerfile}`,
      );
      checked++;
    }
  }
  assert.ok(checked >= 30, `${checked} variants`);
});

test('every compose.yaml the templates write has zero findings', () => {
  for (const facts of factVariants()) {
    const opts = OPTIONS[0];
    const plan = scaffoldPlan(facts, opts);
    const dir = mkdtempSync(join(tmpdir(), 'berth-scaffold-lint-'));
    dirs.push(dir);
    for (const f of plan.files) {
      mkdirSync(join(dir, f.path, '..'), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const compose = plan.files.find((f) => f.path === 'compose.yaml');
    assert.ok(compose, 'compose: true writes compose.yaml');
    const doc = composeFromText(pathToFileURL(join(dir, 'compose.yaml')).href, compose.content);
    const diagnostics = composeDiagnostics(doc, { env: {}, openText: () => undefined });
    assert.deepEqual(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`), [], `${describe(facts, opts)}\n${compose.content}`);
    assert.equal(scaffoldPlan(facts, { ...opts, compose: false }).files.some((f) => f.path === 'compose.yaml'), false);
  }
});

test('the Dockerfiles run as a non-root user, pin their base tags and mount caches', () => {
  for (const facts of factVariants()) {
    const text = scaffoldPlan(facts, OPTIONS[0]).files[0].content;
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    assert.ok(froms.length >= 2, `multi-stage: ${describe(facts, OPTIONS[0])}`);
    for (const ref of froms) assert.match(ref, /:[\w.-]+$/, `${ref} has a tag`);
    for (const ref of froms) assert.doesNotMatch(ref, /:latest$/);
    const users = [...text.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    assert.ok(users.length && !/^(0|root)(:|$)/.test(users.at(-1)!), `the last stage runs as a non-root user: ${describe(facts, OPTIONS[0])}`);
    // (A Python project without requirements installs nothing.)
    if (facts.python?.requirements !== 'none') assert.match(text, /RUN --mount=type=cache/);
    const uncached = scaffoldPlan(facts, OPTIONS[2]).files[0].content;
    assert.doesNotMatch(uncached, /^RUN [^\n]*--mount/m, 'no cache mounts for a builder without them');
    // The cache-mount rules whose advice that builder cannot follow are off for the file, saying why.
    if (facts.ecosystem !== 'python') assert.match(uncached, /^# hadolint global ignore=DL30(6[89]|7\d)$/m);
    assert.doesNotMatch(text, /hadolint global ignore/, 'with cache mounts nothing is turned off');
    if (facts.servesHttp && (facts.ecosystem === 'node' || facts.ecosystem === 'python')) assert.match(text, /^HEALTHCHECK /m);
  }
});
