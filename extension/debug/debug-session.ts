// The `berth` debug type, F5 in a container: build the image (the build cache keeps what did not
// change), run it with the runtime's debugger listening and its port published on 127.0.0.1, wait
// until the debugger answers, then hand VS Code the ecosystem's own attach configuration (js-debug's
// `node`, the Python extension's `debugpy`, Go's `go`) with the workspace mapped to the container.
// The container is stopped and removed when the session ends.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { UserError, userMessage } from '../errors.js';
import { localPortChecker } from '../run/port-plan.js';
import { detectProject } from '../scaffold/detect.js';
import { ECOSYSTEMS } from '../scaffold/ecosystems.js';
import { launchConfiguration } from '../scaffold/templates/launch.js';
import { containerState, lastLogLines, removeContainer, startContainer } from '../tasks/run-container.js';
import { buildForDebug, buildWithDebugpy, hasDebugpy } from './debug-build.js';
import { debugCommand } from './debug-command.js';
import { attachConfiguration, DEBUGGER_EXTENSIONS, resolveBerthDebug, type ResolvedBerthDebug } from './debug-config.js';
import { DEBUGGER_NAMES, debuggerFailureMessage, waitForDebugger } from './debugger-probe.js';

export const BERTH_DEBUG_TYPE = 'berth';
const CONTAINER_KEY = '__berthContainer';

export function registerBerthDebugger(ctx: Ctx): vscode.Disposable {
  const provider: vscode.DebugConfigurationProvider = {
    provideDebugConfigurations: async (folder) => {
      if (!folder) return [];
      const detected = await detectProject(folder.uri.fsPath);
      if (!detected.found) return [];
      const port = ECOSYSTEMS.find((e) => e.id === detected.facts.ecosystem)!.defaultPort;
      const config = launchConfiguration(detected.facts, { port, hostPort: port });
      return config ? [config as unknown as vscode.DebugConfiguration] : [];
    },
    resolveDebugConfiguration: (folder, config, token) => resolve(ctx, folder, config, token),
  };
  // Sessions VS Code is restarting: it ends them with `restart: true` and attaches again to the same
  // address, so their container must outlive that end.
  const restarting = new Set<string>();
  return vscode.Disposable.from(
    vscode.debug.registerDebugConfigurationProvider(BERTH_DEBUG_TYPE, provider),
    vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker(session) {
        if (typeof session.configuration[CONTAINER_KEY] !== 'string') return undefined;
        return {
          onWillReceiveMessage(m: { command?: string; arguments?: { restart?: boolean } }) {
            if ((m.command === 'disconnect' || m.command === 'terminate') && m.arguments?.restart) restarting.add(session.id);
          },
        };
      },
    }),
    // Offered in "Run and Debug" without a launch.json. Only provides: VS Code runs every registered
    // resolver of the type in turn, so a second resolver would see the attach configuration of the first.
    vscode.debug.registerDebugConfigurationProvider(BERTH_DEBUG_TYPE, { provideDebugConfigurations: provider.provideDebugConfigurations }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    // The walkthrough's debug step is checked off by a session that really attached to a container.
    vscode.debug.onDidStartDebugSession((session) => {
      if (typeof session.configuration[CONTAINER_KEY] === 'string') void vscode.commands.executeCommand('setContext', 'berth.debuggedInContainer', true);
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      const id: unknown = session.configuration[CONTAINER_KEY];
      if (restarting.delete(session.id)) return;
      const docker = ctx.engine?.client;
      if (typeof id !== 'string' || !docker) return;
      void removeContainer(docker, id).catch((err: unknown) =>
        vscode.window.showWarningMessage(`${userMessage(err, `remove the debug container ${id.slice(0, 12)}`)} Remove it from the Containers view.`));
    }),
  );
}

async function resolve(ctx: Ctx, folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration, token?: vscode.CancellationToken): Promise<vscode.DebugConfiguration | undefined> {
  folder ??= vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('Debugging in a container needs a workspace folder: open the project folder first.');
    return undefined;
  }
  if (config.type && config.type !== BERTH_DEBUG_TYPE) return config;
  // F5 with no launch.json and Berth chosen as the debugger: the detected project's configuration.
  if (!config.type && !config.request) {
    const detected = await detectProject(folder.uri.fsPath);
    const made = detected.found ? launchConfiguration(detected.facts, { port: ECOSYSTEMS.find((e) => e.id === detected.facts.ecosystem)!.defaultPort, hostPort: 0 }) : undefined;
    if (!made) {
      void vscode.window.showErrorMessage('Berth cannot tell how to debug this folder: run "Berth: Add Docker Files to Workspace" first, which also adds the launch configuration.');
      return undefined;
    }
    const { hostPort: _unused, ...rest } = made;
    config = rest as unknown as vscode.DebugConfiguration;
  }
  const checked = resolveBerthDebug(substitute(config, folder) as Record<string, unknown>, folder.uri.fsPath);
  if (typeof checked === 'string') {
    void vscode.window.showErrorMessage(`The launch configuration "${config.name}" is wrong: ${checked}.`);
    return undefined;
  }
  const connection = ctx.engine;
  const docker = connection?.client;
  if (!connection || !docker) {
    void vscode.window.showErrorMessage('Berth is not connected to a container engine, so it cannot build and run the app to debug. See the Engine view.');
    return undefined;
  }
  if (connection.target.kind === 'ssh' || connection.target.kind === 'tcp') {
    void vscode.window.showErrorMessage(`Debugging in a container needs an engine on this machine: the debugger's port is published on the engine's host (${connection.target.host}), out of VS Code's reach. Choose a local engine (setting berth.engine).`);
    return undefined;
  }
  const needed = DEBUGGER_EXTENSIONS[checked.platform];
  if (needed && !hasDebugger(checked.platform)) {
    void vscode.window.showErrorMessage(`Debugging ${checked.platform} in a container attaches the ${needed.name} extension's debugger, which is not installed. Install it, then press F5 again.`);
    return undefined;
  }
  try {
    return await launch(ctx, docker, checked, token);
  } catch (err) {
    if (err instanceof vscode.CancellationError) return undefined;
    const picked = await vscode.window.showErrorMessage(userMessage(err, `start ${checked.image} for debugging`), 'Show Build Log');
    if (picked) ctx.buildLog.show();
    return undefined;
  }
}

function hasDebugger(platform: ResolvedBerthDebug['platform']): boolean {
  if (platform === 'python') return !!(vscode.extensions.getExtension('ms-python.debugpy') ?? vscode.extensions.getExtension('ms-python.python'));
  const needed = DEBUGGER_EXTENSIONS[platform];
  return !needed || !!vscode.extensions.getExtension(needed.id);
}

async function launch(ctx: Ctx, docker: Dockerode, d: ResolvedBerthDebug, token?: vscode.CancellationToken): Promise<vscode.DebugConfiguration | undefined> {
  const log = ctx.buildLog;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Debug in a container: ${d.image}`, cancellable: true }, async (progress, ptoken) => {
    const cancelled = () => !!token?.isCancellationRequested || ptoken.isCancellationRequested;
    const cancelledPromise = new Promise<void>((r) => { ptoken.onCancellationRequested(() => r()); token?.onCancellationRequested(() => r()); });
    progress.report({ message: 'building the image' });
    log.appendLine(`── Build ${d.image} for debugging (${path.relative(d.context, d.dockerfile) || d.dockerfile}${d.target ? `, target ${d.target}` : ''}) ──`);
    await buildForDebug(docker, {
      dockerfile: d.dockerfile, context: d.context, tag: d.image, target: d.target,
      registryConfig: await ctx.registryCredentials.buildRegistryConfig(),
      log: (t) => log.append(t), cancelled: cancelledPromise,
    });
    if (cancelled()) throw new vscode.CancellationError();
    let image = d.image;
    if (d.platform === 'python' && !(await hasDebugpy(docker, image))) {
      const consent = await vscode.window.showWarningMessage(
        `debugpy is not installed in ${image}. Install it into a debug image (${image}-debugpy, made with pip install debugpy; needs PyPI)?`,
        { modal: true, detail: 'Your Dockerfile and the image it builds stay as they are.' }, 'Install debugpy');
      if (consent !== 'Install debugpy') throw new vscode.CancellationError();
      progress.report({ message: 'installing debugpy' });
      image = await buildWithDebugpy(docker, image, (t) => log.append(t));
    }
    const info = await docker.getImage(image).inspect();
    const command = debugCommand(d.platform, { entrypoint: asList(info.Config?.Entrypoint), cmd: asList(info.Config?.Cmd) }, d.debugPort);
    if (typeof command === 'string') throw new Error(`Cannot debug ${image}: ${command}.`);
    progress.report({ message: 'starting the container' });
    const name = `${d.image.replace(/[:/]/g, '-').replace(/[^a-zA-Z0-9_.-]/g, '')}-debug-${randomBytes(3).toString('hex')}`;
    const started = await startContainer(docker, {
      image, name, purpose: 'debug',
      ports: [{ containerPort: d.debugPort }, ...(d.appPort ? [{ containerPort: d.appPort, hostPort: d.hostPort ?? d.appPort }] : [])],
      env: { ...d.env, ...command.env },
      entrypoint: command.entrypoint, cmd: command.cmd,
    }, localPortChecker);
    const debugHostPort = started.published.get(d.debugPort);
    try {
      if (!debugHostPort) throw new Error(`the engine published no host port for the debugger's port ${d.debugPort}`);
      for (const m of started.moved) {
        void vscode.window.showInformationMessage(`Port ${m.wanted} is already taken on this machine, so the app's port ${m.containerPort} is published on ${m.used} instead.`);
      }
      progress.report({ message: `waiting for ${DEBUGGER_NAMES[d.platform]} on 127.0.0.1:${debugHostPort}` });
      const result = await waitForDebugger({
        host: '127.0.0.1', port: debugHostPort, platform: d.platform, timeoutMs: d.attachTimeout,
        stillRunning: () => containerState(docker, started.id), cancelled,
      });
      if (!result.ok) {
        if (result.reason === 'cancelled') throw new vscode.CancellationError();
        const lines = await lastLogLines(docker, started.id, 10).catch(() => [] as string[]);
        const message = debuggerFailureMessage({ platform: d.platform, container: name, debugPort: d.debugPort, hostPort: debugHostPort, timeoutMs: d.attachTimeout, result, lastLines: lines });
        log.appendLine(`── ${message} ──`);
        throw new UserError(`${message} See the "Berth Build" output.`);
      }
      const app = d.appPort ? started.published.get(d.appPort) : undefined;
      log.appendLine(`── ${name} runs ${image}; ${DEBUGGER_NAMES[d.platform]} on 127.0.0.1:${debugHostPort}${app ? `, the app on http://127.0.0.1:${app}/` : ''} ──`);
      if (app) vscode.window.setStatusBarMessage(`$(debug) ${name}: the app is on http://127.0.0.1:${app}/`, 15_000);
      ctx.views.refresh(['container']);
      return { ...attachConfiguration(d, debugHostPort, name), [CONTAINER_KEY]: started.id, berthAppPort: app } as unknown as vscode.DebugConfiguration;
    } catch (err) {
      await removeContainer(docker, started.id).catch(() => undefined);
      throw err;
    }
  });
}

function asList(v: string | string[] | null | undefined): string[] {
  return v == null ? [] : Array.isArray(v) ? v : [v];
}

/** ${workspaceFolder} and ${workspaceFolderBasename} in the configuration's strings: resolving runs before VS Code substitutes. */
function substitute(value: unknown, folder: vscode.WorkspaceFolder): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath).replace(/\$\{workspaceFolderBasename\}/g, folder.name);
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, folder));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, folder)]));
  return value;
}
