// berth-compose: docker compose's subcommands and flags over compose/model and compose/runner.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { EngineError, type ComposeEngine } from '../engine/engine';
import { loadProject } from '../model/load-project';
import { toComposeJson, toComposeYaml } from '../model/to-compose-yaml';
import type { ComposeProject } from '../model/types';
import { down } from '../runner/down';
import { buildService, imageRef, pullService } from '../runner/images';
import { COMPOSE_VERSION } from '../runner/labels';
import { lifecycle } from '../runner/lifecycle';
import { logs, streamLogs } from '../runner/logs';
import type { RunnerOutput } from '../runner/output';
import type { ContainerRef } from '../runner/project-state';
import { ps, psTable } from '../runner/ps';
import { RunError } from '../runner/run-error';
import { execInService, runOneOff } from '../runner/run-exec';
import { selectServices, up } from '../runner/up';
import { bool, GLOBAL_FLAGS, int, parseFlags, str, strs, UsageError, type FlagSpec, type Parsed } from './args';
import { usage } from './usage';

export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin?: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdoutIsTty: boolean;
  readonly stdinIsTty: boolean;
  /** Connects to the engine (DOCKER_HOST, the bundled engine, or Docker's socket). */
  readonly engine: () => Promise<ComposeEngine>;
  /** Puts the terminal in raw mode (keys go to the container's TTY as typed) or back. */
  readonly setRawMode?: (raw: boolean) => void;
  /** Registers a handler for Ctrl-C for the foreground `up`; returns its removal. */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

const COMMANDS: Record<string, FlagSpec[]> = {
  up: [
    { names: ['detach', 'd'] }, { names: ['build'] }, { names: ['no-build'] }, { names: ['force-recreate'] }, { names: ['no-recreate'] },
    { names: ['remove-orphans'] }, { names: ['wait'] }, { names: ['wait-timeout'], takesValue: true }, { names: ['no-deps'] },
    { names: ['no-start'] }, { names: ['no-color'] }, { names: ['no-log-prefix'] }, { names: ['timestamps'] }, { names: ['quiet-pull'] },
    { names: ['scale'], takesValue: true },
  ],
  create: [{ names: ['build'] }, { names: ['force-recreate'] }, { names: ['no-recreate'] }, { names: ['remove-orphans'] }],
  down: [{ names: ['volumes', 'v'] }, { names: ['rmi'], takesValue: true }, { names: ['remove-orphans'] }, { names: ['timeout', 't'], takesValue: true }],
  ps: [{ names: ['all', 'a'] }, { names: ['format'], takesValue: true }, { names: ['quiet', 'q'] }, { names: ['services'] }],
  logs: [{ names: ['follow', 'f'] }, { names: ['tail', 'n'], takesValue: true }, { names: ['timestamps', 't'] }, { names: ['no-color'] }, { names: ['no-log-prefix'] }],
  build: [{ names: ['no-cache'] }, { names: ['pull'] }, { names: ['quiet', 'q'] }],
  pull: [{ names: ['quiet', 'q'] }, { names: ['ignore-pull-failures'] }],
  start: [],
  stop: [{ names: ['timeout', 't'], takesValue: true }],
  restart: [{ names: ['timeout', 't'], takesValue: true }],
  exec: [
    { names: ['detach', 'd'] }, { names: ['no-TTY', 'T'] }, { names: ['interactive', 'i'] }, { names: ['tty', 't'] }, { names: ['index'], takesValue: true },
    { names: ['user', 'u'], takesValue: true }, { names: ['workdir', 'w'], takesValue: true }, { names: ['env', 'e'], takesValue: true }, { names: ['privileged'] },
  ],
  run: [
    { names: ['rm'] }, { names: ['detach', 'd'] }, { names: ['no-TTY', 'T'] }, { names: ['interactive', 'i'] }, { names: ['tty', 't'] }, { names: ['no-deps'] },
    { names: ['user', 'u'], takesValue: true }, { names: ['workdir', 'w'], takesValue: true }, { names: ['env', 'e'], takesValue: true },
    { names: ['entrypoint'], takesValue: true }, { names: ['name'], takesValue: true }, { names: ['build'] },
  ],
  config: [{ names: ['services'] }, { names: ['volumes'] }, { names: ['quiet', 'q'] }, { names: ['no-interpolate'] }, { names: ['format'], takesValue: true }, { names: ['output', 'o'], takesValue: true }],
  version: [{ names: ['short'] }],
};

/** Runs berth-compose; resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const err = (s: string) => io.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
  try {
    const global = parseFlags(argv, GLOBAL_FLAGS, 1);
    const [command] = global.positionals;
    if (bool(global, 'version')) {
      io.stdout.write(`berth-compose version ${COMPOSE_VERSION}\n`);
      return 0;
    }
    if (!command || bool(global, 'help') || command === 'help') {
      io.stdout.write(usage);
      return command || bool(global, 'help') || command === 'help' ? 0 : 1;
    }
    const specs = COMMANDS[command];
    if (!specs) throw new UsageError(`unknown command "${command}" for "berth-compose" (run berth-compose --help)`);
    const stopAfter = command === 'exec' || command === 'run' ? 1 : Infinity;
    const sub = parseFlags(global.rest, [...specs, { names: ['help', 'h'] }], stopAfter, `berth-compose ${command}`);
    if (bool(sub, 'help')) { io.stdout.write(usage); return 0; }
    if (command === 'version') {
      io.stdout.write(bool(sub, 'short') ? `${COMPOSE_VERSION}\n` : `berth-compose version ${COMPOSE_VERSION}\n`);
      return 0;
    }
    const ansi = str(global, 'ansi') ?? 'auto';
    const colour = ansi === 'always' || (ansi === 'auto' && io.stdoutIsTty && !io.env.NO_COLOR);
    return await runCommand(command, global, sub, io, colour);
  } catch (e) {
    if (e instanceof UsageError || e instanceof RunError) {
      err(e.message);
      return e instanceof RunError ? e.exitCode : 1;
    }
    if (e instanceof EngineError) {
      // An engine refusal the runner did not expect: its own words are the message.
      err(`Error response from daemon: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

/** Commands docker compose runs from the labels alone when there is no file, given -p NAME. */
const LABEL_ONLY = new Set(['down', 'ps', 'logs']);

function loadFor(global: Parsed, io: CliIo, interpolate = true, command = ''): { project: ComposeProject; labelsOnly: boolean } {
  const r = loadProject({
    files: strs(global, 'file'),
    projectName: str(global, 'project-name'),
    profiles: strs(global, 'profile').length ? strs(global, 'profile').flatMap((p) => p.split(',')) : undefined,
    envFiles: strs(global, 'env-file'),
    projectDirectory: str(global, 'project-directory'),
    env: io.env,
    cwd: io.cwd,
    interpolate,
  });
  for (const w of r.warnings) io.stderr.write(`WARN[0000] ${w}\n`);
  const name = str(global, 'project-name');
  if (!r.ok && r.problem.noFiles && name !== undefined && LABEL_ONLY.has(command)) {
    // The project as the engine has it: no services known, so every container with its label is the project's.
    return { project: { name, workingDir: io.cwd, configFiles: [], services: {}, disabledServices: {}, networks: {}, volumes: {} }, labelsOnly: true };
  }
  if (!r.ok) throw new RunError(r.problem.message, 1);
  return { project: r.project, labelsOnly: false };
}

function progressOutput(io: CliIo, quiet = false, quietPull = quiet): RunnerOutput {
  return {
    progress: (kind, name, state) => { if (!quiet) io.stderr.write(` ${kind} ${name}  ${state}\n`); },
    warn: (m) => io.stderr.write(`WARN[0000] ${m}\n`),
    buildLog: (_service, text) => { if (!quiet) io.stderr.write(text); },
    pullLog: (_service, text) => { if (!quietPull) io.stderr.write(text); },
  };
}

async function runCommand(command: string, global: Parsed, sub: Parsed & { rest: string[] }, io: CliIo, colour: boolean): Promise<number> {
  if (command === 'config') return config(global, sub, io);
  const loaded = loadFor(global, io, true, command);
  const labelsOnly = loaded.labelsOnly;
  const project = command === 'up' ? withScale(loaded.project, strs(sub, 'scale')) : loaded.project;
  const engine = await io.engine();
  try {
    await engine.ping();
  } catch (e) {
    throw new RunError(`cannot connect to the container engine at ${engine.address}: ${(e as Error).message}. Is it running? (DOCKER_HOST chooses another engine)`);
  }
  const progress = str(global, 'progress') ?? 'auto';
  if (!['auto', 'plain', 'quiet'].includes(progress)) throw new UsageError(`--progress "${progress}" is not supported by berth-compose (auto, plain or quiet; progress is always plain lines)`);
  const quiet = bool(sub, 'quiet') || progress === 'quiet';
  const out = progressOutput(io, quiet, quiet || bool(sub, 'quiet-pull'));
  const services = sub.positionals;
  switch (command) {
    case 'up':
    case 'create': {
      if (bool(sub, 'build') && bool(sub, 'no-build')) throw new UsageError('--build and --no-build are incompatible');
      const detach = command === 'create' || bool(sub, 'detach') || bool(sub, 'wait');
      const since = Math.floor(Date.now() / 1000);
      const result = await up(engine, project, {
        services,
        build: bool(sub, 'build'),
        noBuild: bool(sub, 'no-build'),
        forceRecreate: bool(sub, 'force-recreate'),
        noRecreate: bool(sub, 'no-recreate'),
        removeOrphans: bool(sub, 'remove-orphans'),
        noDeps: bool(sub, 'no-deps'),
        wait: bool(sub, 'wait'),
        waitTimeoutSeconds: int(sub, 'wait-timeout'),
        start: command === 'up' && !bool(sub, 'no-start'),
      }, out);
      if (detach || bool(sub, 'no-start')) return 0;
      return foreground(engine, project, result.containers, sub, io, colour && !bool(sub, 'no-color'), since);
    }
    case 'down': {
      const rmi = str(sub, 'rmi');
      if (rmi !== undefined && rmi !== 'local' && rmi !== 'all') throw new UsageError(`invalid --rmi "${rmi}": use local or all`);
      await down(engine, project, { volumes: bool(sub, 'volumes'), removeOrphans: bool(sub, 'remove-orphans') || labelsOnly, rmi, timeoutSeconds: int(sub, 'timeout') }, out);
      return 0;
    }
    case 'ps': {
      const entries = await ps(engine, project, { all: bool(sub, 'all'), services });
      const format = str(sub, 'format') ?? 'table';
      if (bool(sub, 'services')) io.stdout.write([...new Set(entries.map((e) => e.Service))].map((s) => `${s}\n`).join(''));
      else if (bool(sub, 'quiet')) io.stdout.write(entries.map((e) => `${e.ID}\n`).join(''));
      else if (format === 'json') io.stdout.write(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      else if (format === 'table') io.stdout.write(psTable(entries));
      else throw new UsageError(`--format "${format}" is not supported by berth-compose (table or json)`);
      return 0;
    }
    case 'logs': {
      const tail = str(sub, 'tail');
      await logs(engine, project, {
        services,
        follow: bool(sub, 'follow'),
        tail: tail === undefined || tail === 'all' ? undefined : int(sub, 'tail'),
        timestamps: bool(sub, 'timestamps'),
        colour: colour && !bool(sub, 'no-color'),
        noPrefix: bool(sub, 'no-log-prefix'),
      }, (line) => io.stdout.write(line));
      return 0;
    }
    case 'build': {
      for (const s of selectServices(project, services, false)) {
        if (s.build) await buildService(engine, project, s, out, { noCache: bool(sub, 'no-cache'), pull: bool(sub, 'pull') });
      }
      return 0;
    }
    case 'pull': {
      for (const s of selectServices(project, services, false)) {
        if (!s.image || (s.build && s.pullPolicy === 'build')) continue;
        try {
          await pullService(engine, s, imageRef(project, s), out);
        } catch (e) {
          if (!bool(sub, 'ignore-pull-failures')) throw e;
          out.warn((e as Error).message);
        }
      }
      return 0;
    }
    case 'start':
    case 'stop':
    case 'restart':
      await lifecycle(engine, project, command, services, out, int(sub, 'timeout'));
      return 0;
    case 'exec': {
      const [service] = sub.positionals;
      if (!service || sub.rest.length === 0) throw new UsageError('"berth-compose exec" requires at least 2 arguments: SERVICE COMMAND [ARGS...]');
      const detach = bool(sub, 'detach');
      const tty = !detach && wantsTty(sub, io);
      return withRawTerminal(io, tty, () => execInService(engine, project, {
        service, index: int(sub, 'index') ?? 1, command: sub.rest, tty, interactive: keepStdin(sub, io),
        user: str(sub, 'user'), workdir: str(sub, 'workdir'), env: strs(sub, 'env'), privileged: bool(sub, 'privileged'), detach,
      }, io));
    }
    case 'run': {
      const [service] = sub.positionals;
      if (!service) throw new UsageError('"berth-compose run" requires at least 1 argument: SERVICE [COMMAND] [ARGS...]');
      const detach = bool(sub, 'detach');
      const tty = !detach && wantsTty(sub, io);
      const entrypoint = str(sub, 'entrypoint');
      return withRawTerminal(io, tty, () => runOneOff(engine, project, {
        service, command: sub.rest, entrypoint: entrypoint === undefined ? undefined : [entrypoint], rm: bool(sub, 'rm'), noDeps: bool(sub, 'no-deps'),
        tty, interactive: !detach && keepStdin(sub, io), detach, user: str(sub, 'user'), workdir: str(sub, 'workdir'), env: strs(sub, 'env'), name: str(sub, 'name'), build: bool(sub, 'build'),
      }, out, io));
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** up --scale SERVICE=N (repeatable): the number of containers of a service, instead of its replicas. */
function withScale(project: ComposeProject, specs: readonly string[]): ComposeProject {
  if (specs.length === 0) return project;
  const services = { ...project.services };
  for (const spec of specs) {
    const m = /^([^=]+)=(\d+)$/.exec(spec);
    if (!m) throw new UsageError(`invalid --scale "${spec}": use SERVICE=NUMBER, e.g. --scale web=3`);
    const [, name, count] = m;
    if (!(name in services)) throw new UsageError(`--scale ${spec}: no such service: ${name}`);
    services[name] = { ...services[name], replicas: Number(count) };
  }
  return { ...project, services };
}

/** -T: no TTY; -t: a TTY; neither: a TTY when berth-compose runs in a terminal, as docker compose decides. */
function wantsTty(sub: Parsed, io: CliIo): boolean {
  if (bool(sub, 'no-TTY')) return false;
  const t = sub.flags.get('tty')?.at(-1);
  return t === undefined ? io.stdinIsTty && io.stdoutIsTty : t === 'true';
}

async function withRawTerminal<T>(io: CliIo, tty: boolean, f: () => Promise<T>): Promise<T> {
  if (tty) io.setRawMode?.(true);
  try {
    return await f();
  } finally {
    if (tty) io.setRawMode?.(false);
  }
}

/**
 * exec and run keep stdin open by default, as docker compose does (-i defaults to true), so that
 * `berth-compose exec -T db psql < dump.sql` works; `--interactive=false` turns it off.
 */
function keepStdin(sub: Parsed, io: CliIo): boolean {
  return io.stdin !== undefined && (sub.flags.get('interactive')?.at(-1) ?? 'true') === 'true';
}

function config(global: Parsed, sub: Parsed, io: CliIo): number {
  const { project } = loadFor(global, io, !bool(sub, 'no-interpolate'));
  if (bool(sub, 'quiet')) return 0;
  if (bool(sub, 'services')) { io.stdout.write(Object.keys(project.services).map((s) => `${s}\n`).join('')); return 0; }
  if (bool(sub, 'volumes')) { io.stdout.write(Object.keys(project.volumes).map((s) => `${s}\n`).join('')); return 0; }
  const format = str(sub, 'format') ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format "${format}" is not supported by berth-compose config (yaml or json)`);
  const text = format === 'json' ? toComposeJson(project) : toComposeYaml(project);
  const output = str(sub, 'output');
  if (output === undefined) io.stdout.write(text);
  else writeFileSync(path.resolve(io.cwd, output), text);
  return 0;
}

/** up without -d: the containers' logs until they all stop; Ctrl-C stops them (docker compose's behaviour). */
async function foreground(engine: ComposeEngine, project: ComposeProject, containers: readonly ContainerRef[], sub: Parsed, io: CliIo, colour: boolean, since: number): Promise<number> {
  let stopping: Promise<void> | undefined;
  const remove = io.onInterrupt?.(() => {
    if (stopping) return;
    io.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
    stopping = lifecycle(engine, project, 'stop', [...new Set(containers.map((c) => c.service))], progressOutput(io)).catch((e) => { io.stderr.write(`${(e as Error).message}\n`); });
  });
  try {
    await streamLogs(
      engine, project.name, containers,
      { services: [], follow: true, timestamps: bool(sub, 'timestamps'), colour, noPrefix: bool(sub, 'no-log-prefix'), since },
      (l) => io.stdout.write(l),
      async (c, name) => {
        const d = await engine.inspectContainer(c.id).catch(() => undefined);
        if (d && !d.State.Running) io.stdout.write(`${name} exited with code ${d.State.ExitCode}\n`);
      },
    );
    await stopping;
  } finally {
    remove?.();
  }
  return stopping ? 130 : 0;
}
