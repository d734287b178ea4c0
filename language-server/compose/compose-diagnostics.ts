// Every problem of one Compose file, at the key or value at fault: YAML syntax, the Compose schema
// (all errors, not the first), interpolation, names used but not defined (in this file or the rest of
// its project), port and duration syntax, a build context or Dockerfile or env_file that is not there;
// then, when the file's own checks find no error, the first problem of the whole project as
// berth-compose would load it (keys it refuses, cycles, ...). Errors are what berth-compose or docker
// compose would refuse.
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import { isMap, isScalar, type Node } from 'yaml';
import { parseDotenv, type Lookup } from '../../compose/model/dotenv';
import { InterpolationError, interpolateString } from '../../compose/model/interpolate';
import { loadProject } from '../../compose/model/load-project';
import { ports } from '../../compose/model/normalize-service';
import { KeyError } from '../../compose/model/problem';
import { allSchemaProblems } from '../../compose/model/schema';
import { parseDurationNs } from '../../compose/model/units';
import type { ComposeDocument } from './compose-documents';
import type { NameKind } from './names';
import { projectDocuments, projectFiles, type OpenText } from './project';
import { entryAt, nodeRange, partRange, rangeAt, walk, type KeyPath } from './yaml-tree';

export const SOURCE = 'berth-compose';

/** Keys whose values are Go durations (`1m30s`), relative to a service. */
const DURATION_KEYS: readonly KeyPath[] = [
  ['healthcheck', 'interval'], ['healthcheck', 'timeout'], ['healthcheck', 'start_period'], ['healthcheck', 'start_interval'],
  ['stop_grace_period'],
  ['deploy', 'restart_policy', 'delay'], ['deploy', 'restart_policy', 'window'],
  ['deploy', 'update_config', 'delay'], ['deploy', 'update_config', 'monitor'],
  ['deploy', 'rollback_config', 'delay'], ['deploy', 'rollback_config', 'monitor'],
];

export interface CheckInputs {
  /** The environment interpolation reads (the server's); `.env` next to the project's first file is added. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Text of an open document by file path. */
  readonly openText: OpenText;
}

function diag(range: Range, message: string, severity: DiagnosticSeverity, code: string): Diagnostic {
  return { range, message, severity, source: SOURCE, code };
}

function dotenvLookup(d: ComposeDocument, env: CheckInputs['env']): Lookup {
  const values: Record<string, string> = {};
  if (d.file) {
    const first = projectFiles(d.file)[0];
    try {
      const text = readFileSync(path.join(path.dirname(first), '.env'), 'utf8');
      for (const e of parseDotenv(text, '.env', (v, earlier) => interpolateString(v, (n) => env[n] ?? earlier(n) ?? values[n]).value)) {
        if (e.value !== undefined) values[e.key] = e.value;
      }
    } catch {
      // No .env (or one the project's own load reports): the environment alone.
    }
  }
  return (n) => env[n] ?? values[n];
}

export function composeDiagnostics(d: ComposeDocument, inputs: CheckInputs): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { doc, text } = d;
  for (const e of doc.errors) {
    out.push(diag({ start: text.positionAt(e.pos[0]), end: text.positionAt(Math.max(e.pos[1], e.pos[0] + 1)) }, `YAML: ${firstLine(e.message)}`, DiagnosticSeverity.Error, e.code));
  }
  for (const w of doc.warnings) {
    out.push(diag({ start: text.positionAt(w.pos[0]), end: text.positionAt(w.pos[1]) }, `YAML: ${firstLine(w.message)}`, DiagnosticSeverity.Warning, w.code));
  }
  const contents = doc.contents as Node | null;
  if (contents && !isMap(contents)) {
    out.push(diag(nodeRange(text, contents), 'a Compose file must be a mapping (services:, networks:, ...)', DiagnosticSeverity.Error, 'not-a-mapping'));
    return out;
  }
  if (!contents) return out;

  checkNames(d, inputs, out);
  // The rest reads the file as data: YAML errors make that data partial, so they come alone.
  if (doc.errors.length) return out;
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    out.push(diag(nodeRange(text, contents), `YAML: ${e instanceof Error ? e.message : String(e)}`, DiagnosticSeverity.Error, 'yaml'));
    return out;
  }
  const lookup = dotenvLookup(d, inputs.env);
  const data = interpolated(d, js, lookup, out);
  for (const p of allSchemaProblems(data)) {
    out.push(diag(rangeAt(doc, text, p.at, p.target ?? 'value'), p.message, DiagnosticSeverity.Error, 'schema'));
  }
  checkServices(d, data, out);
  if (!out.some((x) => x.severity === DiagnosticSeverity.Error)) projectProblem(d, inputs, out);
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** The file's data with variables replaced (what the schema and the checks see), problems reported. */
function interpolated(d: ComposeDocument, js: unknown, lookup: Lookup, out: Diagnostic[]): unknown {
  walk(d.doc, (_at, e) => {
    const v = e.value;
    if (!isScalar(v) || typeof v.value !== 'string' || !v.value.includes('$')) return;
    try {
      const r = interpolateString(v.value, lookup);
      for (const name of r.unset) {
        out.push(diag(nodeRange(d.text, v), `the "${name}" variable is not set here; Compose uses an empty string`, DiagnosticSeverity.Information, 'unset-variable'));
      }
    } catch (err) {
      if (!(err instanceof InterpolationError)) throw err;
      // A required variable is only missing from the editor's environment, perhaps not from the shell's.
      const required = err.message.startsWith('required variable');
      out.push(diag(nodeRange(d.text, v), err.message, required ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, 'interpolation'));
    }
  });
  return substitute(js, lookup, []);
}

/** A copy with variables replaced; an alias that contains itself (`a: &x {b: *x}`) is cut where it recurs. */
function substitute(data: unknown, lookup: Lookup, parents: readonly object[]): unknown {
  if (typeof data === 'string') {
    if (!data.includes('$')) return data;
    try {
      return interpolateString(data, lookup).value;
    } catch {
      return data;
    }
  }
  if (data && typeof data === 'object') {
    if (parents.includes(data)) return null;
    const inner = [...parents, data];
    if (Array.isArray(data)) return data.map((x) => substitute(x, lookup, inner));
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, substitute(v, lookup, inner)]));
  }
  return data;
}

/** Names mentioned but defined neither here nor in the rest of the project. */
function checkNames(d: ComposeDocument, inputs: CheckInputs, out: Diagnostic[]): void {
  if (!d.references.length) return;
  const others = projectDocuments(d, inputs.openText);
  const defined = new Set<string>();
  for (const x of [d, ...others]) for (const def of x.definitions) defined.add(`${def.kind}\u0000${def.name}`);
  for (const r of d.references) {
    if (defined.has(`${r.kind}\u0000${r.name}`) || r.optional) continue;
    if (r.kind === 'network' && r.name === 'default') continue;
    const range = partRange(d.text, r.node, r.from, r.to);
    const message: Record<NameKind, string> = {
      service: `service "${r.name}" is not defined`,
      network: `network "${r.name}" is not defined: declare it under the top-level networks:`,
      volume: `volume "${r.name}" is not defined: declare it under the top-level volumes:`,
      config: `config "${r.name}" is not defined under the top-level configs:`,
      secret: `secret "${r.name}" is not defined under the top-level secrets:`,
    };
    out.push(diag(range, message[r.kind], DiagnosticSeverity.Error, `undefined-${r.kind}`));
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function getIn(o: unknown, p: KeyPath): unknown {
  let v = o;
  for (const k of p) {
    if (!isObj(v) && !Array.isArray(v)) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** Per service: ports, durations, the build's context and Dockerfile, env_file. Values as interpolated. */
function checkServices(d: ComposeDocument, data: unknown, out: Diagnostic[]): void {
  const services = getIn(data, ['services']);
  if (!isObj(services)) return;
  const dir = d.file ? path.dirname(projectFiles(d.file)[0]) : undefined;
  const range = (p: KeyPath, target: 'key' | 'value' = 'value') => rangeAt(d.doc, d.text, p, target);
  for (const [name, svc] of Object.entries(services)) {
    if (!isObj(svc) || !entryAt(d.doc, ['services', name])) continue;
    const at = (...k: (string | number)[]): KeyPath => ['services', name, ...k];
    if (Array.isArray(svc.ports)) {
      svc.ports.forEach((p, i) => {
        if (typeof p !== 'string' && typeof p !== 'number' && !isObj(p)) return;
        try {
          ports(p, at('ports', i));
        } catch (e) {
          if (!(e instanceof KeyError)) throw e;
          out.push(diag(range(e.at), e.message, DiagnosticSeverity.Error, 'port'));
        }
      });
    }
    for (const k of DURATION_KEYS) {
      const v = getIn(svc, k);
      if ((typeof v === 'string' || typeof v === 'number') && parseDurationNs(v) === undefined) {
        out.push(diag(range(at(...k)), `"${String(v)}" is not a duration (such as 10s or 1m30s)`, DiagnosticSeverity.Error, 'duration'));
      }
    }
    if (dir) {
      checkBuild(svc.build, dir, at, range, out);
      checkEnvFiles(svc.env_file, dir, at, range, out);
    }
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function checkBuild(build: unknown, dir: string, at: (...k: (string | number)[]) => KeyPath, range: (p: KeyPath) => Range, out: Diagnostic[]): void {
  if (build === undefined || build === null) return;
  const b: Obj = typeof build === 'string' ? { context: build } : isObj(build) ? build : {};
  const contextAt = typeof build === 'string' ? at('build') : at('build', 'context');
  const ctx = typeof b.context === 'string' ? b.context : '.';
  if (/^[a-z]+:\/\//.test(ctx) || ctx.startsWith('git@') || ctx.includes('$')) return;
  const contextDir = path.resolve(dir, ctx);
  if (!isDir(contextDir)) {
    out.push(diag(range(contextAt), `build context ${contextDir} does not exist`, DiagnosticSeverity.Error, 'build-context'));
    return;
  }
  if (b.dockerfile_inline !== undefined) return;
  if (typeof b.dockerfile === 'string') {
    if (b.dockerfile.includes('$')) return;
    const file = path.resolve(contextDir, b.dockerfile);
    if (!existsSync(file)) out.push(diag(range(at('build', 'dockerfile')), `Dockerfile ${file} does not exist`, DiagnosticSeverity.Error, 'build-dockerfile'));
  } else if (b.dockerfile === undefined && !existsSync(path.join(contextDir, 'Dockerfile'))) {
    out.push(diag(range(contextAt), `no Dockerfile in the build context ${contextDir}: name one with build.dockerfile`, DiagnosticSeverity.Error, 'build-dockerfile'));
  }
}

function checkEnvFiles(envFile: unknown, dir: string, at: (...k: (string | number)[]) => KeyPath, range: (p: KeyPath) => Range, out: Diagnostic[]): void {
  if (envFile === undefined || envFile === null) return;
  const list = Array.isArray(envFile) ? envFile : [envFile];
  list.forEach((e, i) => {
    const p = typeof e === 'string' ? e : isObj(e) && typeof e.path === 'string' ? e.path : undefined;
    const required = !(isObj(e) && e.required === false);
    if (!p || !required || p.includes('$')) return;
    const file = path.resolve(dir, p);
    const where = Array.isArray(envFile) ? at('env_file', i) : at('env_file');
    if (!existsSync(file)) out.push(diag(range(typeof e === 'string' ? where : [...where, 'path']), `env file ${file} not found`, DiagnosticSeverity.Error, 'env-file'));
  });
}

/** The project loaded as berth-compose loads it; its (first) problem when it lies in this file. */
function projectProblem(d: ComposeDocument, inputs: CheckInputs, out: Diagnostic[]): void {
  if (!d.file) return;
  const file = d.file;
  const files = projectFiles(file);
  const cwd = path.dirname(files[0]);
  const r = loadProject({
    files,
    cwd,
    env: { ...inputs.env, COMPOSE_FILE: undefined },
    profiles: ['*'],
    readText: (f) => (f === file ? d.text.getText() : inputs.openText(f)),
  });
  if (r.ok || !r.problem.pos) return;
  if (path.resolve(cwd, r.problem.pos.file) !== file) return;
  const offset = d.text.offsetAt({ line: r.problem.pos.line - 1, character: r.problem.pos.col - 1 });
  let range: Range | undefined;
  walk(d.doc, (_p, e) => {
    for (const n of [e.key, e.value]) if (!range && n?.range && n.range[0] === offset) range = nodeRange(d.text, n);
  });
  range ??= { start: d.text.positionAt(offset), end: d.text.positionAt(offset) };
  const detail = r.problem.message.replace(/^[^:]*:\d+: /, '');
  out.push(diag(range, detail, DiagnosticSeverity.Error, 'berth-compose'));
}
