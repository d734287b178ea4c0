// Which ecosystem a folder holds, from its marker files, and the facts its template needs (entry
// point, lockfile, module name...). Reads files only; nothing is written.
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Ecosystem, ProjectFacts, PythonEntry } from './ecosystems.js';

const WEB_NODE = ['express', 'fastify', 'koa', '@hapi/hapi', 'hapi', 'next', '@nestjs/core', 'restify', 'polka', 'hono'];
const WEB_PYTHON = /^(flask|django|fastapi|uvicorn|gunicorn|starlette|aiohttp|bottle|tornado|sanic|quart)\b/im;

export type Detection =
  | { found: true; facts: ProjectFacts }
  | { found: false; reason: string };

/** Which ecosystems' marker files the folder has, in the order the command offers them. */
export async function markers(dir: string): Promise<Ecosystem[]> {
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  const out: Ecosystem[] = [];
  if (names.has('package.json')) out.push('node');
  if (names.has('pyproject.toml') || names.has('requirements.txt')) out.push('python');
  if (names.has('go.mod')) out.push('go');
  if (names.has('pom.xml') || names.has('build.gradle') || names.has('build.gradle.kts')) out.push('java');
  if ([...names].some((n) => n.endsWith('.csproj'))) out.push('dotnet');
  return out;
}

/** The project's facts for `ecosystem` (detected or chosen by the user); defaults where the folder says nothing. */
export async function projectFacts(dir: string, ecosystem: Ecosystem): Promise<ProjectFacts> {
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  const name = imageName(path.basename(dir));
  switch (ecosystem) {
    case 'node': {
      const pkg = await readJson(path.join(dir, 'package.json'));
      const deps = { ...objectOf(pkg?.dependencies) };
      const scripts = objectOf(pkg?.scripts);
      const main = typeof pkg?.main === 'string' ? pkg.main : undefined;
      const start = typeof scripts.start === 'string' ? /^node\s+(\S+\.[cm]?js)\s*$/.exec(scripts.start)?.[1] : undefined;
      const entry = normalizeRel(start ?? main ?? (names.has('server.js') ? 'server.js' : names.has('app.js') ? 'app.js' : 'index.js'));
      const source = await readFile(path.join(dir, entry), 'utf8').catch(() => '');
      const servesHttp = WEB_NODE.some((d) => d in deps) || /require\(['"](node:)?https?['"]\)|from ['"](node:)?https?['"]|\.listen\(/.test(source);
      return {
        ecosystem, name: imageName(typeof pkg?.name === 'string' ? pkg.name : name), servesHttp,
        node: { entry, lockfile: names.has('package-lock.json') ? 'npm' : 'none', hasBuildScript: typeof scripts.build === 'string' },
      };
    }
    case 'python': {
      const requirements = names.has('requirements.txt') ? 'requirements.txt' : names.has('pyproject.toml') ? 'pyproject.toml' : 'none';
      const reqText = requirements === 'none' ? '' : await readFile(path.join(dir, requirements), 'utf8').catch(() => '');
      const entry = pythonEntry(names, name);
      const source = entry.kind === 'script' ? await readFile(path.join(dir, entry.path), 'utf8').catch(() => '') : '';
      const servesHttp = WEB_PYTHON.test(reqText.replace(/^\s*"?/gm, '')) || /http\.server|HTTPServer|serve_forever|\.run\(/.test(source);
      return { ecosystem, name, servesHttp, python: { entry, requirements } };
    }
    case 'go': {
      const mod = await readFile(path.join(dir, 'go.mod'), 'utf8').catch(() => '');
      const module = /^module\s+(\S+)/m.exec(mod)?.[1] ?? name;
      return { ecosystem, name, servesHttp: true, go: { module } };
    }
    case 'java': {
      const build = names.has('pom.xml') ? 'maven' : 'gradle';
      return { ecosystem, name, servesHttp: true, java: { build, gradleWrapper: names.has('gradlew') } };
    }
    case 'dotnet': {
      const csproj = [...names].filter((n) => n.endsWith('.csproj')).sort()[0] ?? `${name}.csproj`;
      const text = await readFile(path.join(dir, csproj), 'utf8').catch(() => '');
      const assembly = /<AssemblyName>([^<]+)<\/AssemblyName>/.exec(text)?.[1] ?? csproj.replace(/\.csproj$/, '');
      const servesHttp = /Sdk="Microsoft\.NET\.Sdk\.Web"/.test(text);
      return { ecosystem, name, servesHttp, dotnet: { project: csproj, assembly } };
    }
  }
}

/** The one ecosystem the folder shows, or why there is not exactly one. */
export async function detectProject(dir: string): Promise<Detection> {
  const found = await markers(dir);
  if (found.length === 0) return { found: false, reason: 'no package.json, pyproject.toml, requirements.txt, go.mod, pom.xml, build.gradle or *.csproj in the folder' };
  if (found.length > 1) return { found: false, reason: `the folder has the marker files of ${found.join(', ')}` };
  return { found: true, facts: await projectFacts(dir, found[0]) };
}

function pythonEntry(names: Set<string>, name: string): PythonEntry {
  for (const f of ['app.py', 'main.py', 'server.py', 'manage.py', 'wsgi.py']) if (names.has(f)) return { kind: 'script', path: f };
  const pkg = name.replace(/-/g, '_');
  if (names.has(pkg)) return { kind: 'module', module: pkg };
  return { kind: 'script', path: 'app.py' };
}

/** A folder or package name as an image name: Docker's repository rules (lower case, separators inside). */
export function imageName(raw: string): string {
  const n = raw.replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return n || 'app';
}

function normalizeRel(p: string): string {
  return path.posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '');
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const v: unknown = JSON.parse(await readFile(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function objectOf(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
