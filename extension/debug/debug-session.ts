// The `berth` debug type, F5 in a container. A `berth` session is a small debug adapter of its own
// (inline, in the extension host): its `launch` builds the image (debug-run.ts: the one build path,
// the cache keeps what did not change), runs it with the runtime's debugger listening and its port
// published on 127.0.0.1, waits until the debugger answers, then starts the ecosystem's own debugger
// (js-debug's `node`, the Python extension's `debugpy`, Go's `go`, Java's `java`, C#'s `coreclr`) as
// its child session, with the workspace mapped to the container. The child's lifecycle belongs to this
// session, so VS Code's Restart reaches `restart` here: build again, replace the container only when
// the image changed, attach again. Stop removes the container.
import { spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import { buildDeps } from '../commands/build-image.js';
import type { Ctx } from '../ctx.js';
import { UserError, userMessage } from '../errors.js';
import { BuildCancelled, BuildFailure } from '../image-build/run-build.js';
import { localPortChecker } from '../run/port-plan.js';
import { detectProject } from '../scaffold/detect.js';
import { ECOSYSTEMS } from '../scaffold/ecosystems.js';
import { launchConfiguration } from '../scaffold/templates/launch.js';
import { attachConfiguration, resolveBerthDebug, type DockerExec, type ResolvedBerthDebug } from './debug-config.js';
import { AddOnDeclined, DebugCancelled, DebugRun, type RunningDebug } from './debug-run.js';
import { installDebuggerExtension, installLabel, missingDebuggerExtension, type DebuggerExtension } from './debugger-extension.js';
import { DEBUGGER_NAMES } from './debugger-probe.js';

export const BERTH_DEBUG_TYPE = 'berth';
const CONTAINER_KEY = '__berthContainer';

/** The adapters of the running `berth` sessions, by session id. */
const adapters = new Map<string, BerthDebugAdapter>();

/** The `berth` session a session runs under (itself excluded), if any. */
function berthAncestor(session: vscode.DebugSession): vscode.DebugSession | undefined {
  for (let s = session.parentSession; s; s = s.parentSession) if (s.type === BERTH_DEBUG_TYPE) return s;
  return undefined;
}

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
    resolveDebugConfiguration: (folder, config) => resolve(ctx, folder, config),
  };
  return vscode.Disposable.from(
    vscode.debug.registerDebugConfigurationProvider(BERTH_DEBUG_TYPE, provider),
    // Offered in "Run and Debug" without a launch.json. Only provides: VS Code runs every registered
    // resolver of the type in turn.
    vscode.debug.registerDebugConfigurationProvider(BERTH_DEBUG_TYPE, { provideDebugConfigurations: provider.provideDebugConfigurations }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(BERTH_DEBUG_TYPE, {
      createDebugAdapterDescriptor: (session) => new vscode.DebugAdapterInlineImplementation(new BerthDebugAdapter(ctx, session)),
    }),
    // Restart asked of a debugger session under a `berth` one (a restart request, or an end with
    // `restart: true`) restarts the `berth` session: build, and a new container when the image changed.
    vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker(session) {
        const root = berthAncestor(session);
        if (!root) return undefined;
        return {
          onWillReceiveMessage(m: { type?: string; command?: string; arguments?: { restart?: boolean } }) {
            if (m.type !== 'request') return;
            if (m.command === 'restart' || ((m.command === 'disconnect' || m.command === 'terminate') && m.arguments?.restart)) adapters.get(root.id)?.restartFromDescendant();
          },
        };
      },
    }),
    // The walkthrough's debug step is checked off by a session that really attached to a container.
    vscode.debug.onDidStartDebugSession((session) => {
      if (typeof session.configuration[CONTAINER_KEY] === 'string') void vscode.commands.executeCommand('setContext', 'berth.debuggedInContainer', true);
    }),
  );
}

/** Checks the configuration before the session starts: every message here names what to change. */
async function resolve(ctx: Ctx, folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
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
  const substituted = substitute(config, folder) as vscode.DebugConfiguration;
  const checked = resolveBerthDebug(substituted, folder.uri.fsPath);
  if (typeof checked === 'string') {
    void vscode.window.showErrorMessage(`The launch configuration "${config.name}" is wrong: ${checked}.`);
    return undefined;
  }
  const connection = ctx.engine;
  if (!connection?.client) {
    void vscode.window.showErrorMessage('Berth is not connected to a container engine, so it cannot build and run the app to debug. See the Engine view.');
    return undefined;
  }
  if (connection.target.kind === 'ssh' || connection.target.kind === 'tcp') {
    void vscode.window.showErrorMessage(`Debugging in a container needs an engine on this machine: the debugger's port is published on the engine's host (${connection.target.host}), out of VS Code's reach. Choose a local engine (setting berth.engine).`);
    return undefined;
  }
  const missing = missingDebuggerExtension(checked.platform);
  if (missing) {
    void offerDebuggerExtension(checked.platform, missing);
    return undefined;
  }
  if (checked.platform === 'dotnet') {
    const cli = dockerCli();
    if (!cliRuns(cli)) {
      void vscode.window.showErrorMessage(`Debugging .NET in a container starts vsdbg in it through "${cli} exec" (the C# extension's pipeTransport), and "${cli}" does not run here. Install the docker CLI (Debian: docker.io or docker-ce-cli), or name it in the setting berth.build.dockerCli.`);
      return undefined;
    }
  }
  return { ...substituted, type: BERTH_DEBUG_TYPE, request: 'launch' };
}

/** Says which extension is missing and offers to install it. */
async function offerDebuggerExtension(platform: ResolvedBerthDebug['platform'], ext: DebuggerExtension): Promise<void> {
  const install = installLabel(ext);
  const picked = await vscode.window.showErrorMessage(
    `Debugging ${platform === 'dotnet' ? '.NET' : platform} in a container attaches the debugger of the ${ext.name} extension, which is not installed. Install it, then press F5 again.`,
    install,
  );
  if (picked === install) await installDebuggerExtension(ext, 'Press F5 again to debug in the container.');
}

function dockerCli(): string {
  return vscode.workspace.getConfiguration('berth').get<string>('build.dockerCli', 'docker').trim() || 'docker';
}

function cliRuns(cli: string): boolean {
  const r = spawnSync(cli, ['--version'], { stdio: 'ignore', timeout: 10_000 });
  return !r.error && r.status === 0;
}

interface DapRequest {
  seq: number;
  type: string;
  command: string;
  arguments?: Record<string, unknown>;
}

/** The `berth` session's adapter: build and run on launch, again on restart; the real debugger is its child session. */
class BerthDebugAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private seq = 1;
  private run: DebugRun | undefined;
  private child: vscode.DebugSession | undefined;
  private readonly childEnded = new vscode.EventEmitter<void>();
  /** Set while a restart or the end replaces or stops the child on purpose. */
  private busy = false;
  private ended = false;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly ctx: Ctx, private readonly session: vscode.DebugSession) {
    adapters.set(session.id, this);
    this.subscriptions = [
      { dispose: () => adapters.delete(session.id) },
      this.sent,
      this.childEnded,
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.parentSession?.id === this.session.id) this.child = s;
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.id !== this.child?.id) return;
        this.child = undefined;
        this.childEnded.fire();
        // The app exited or the debugger let go by itself: the whole session ends, container included.
        if (!this.busy && !this.ended) void this.finish().then(() => this.event('terminated'));
      }),
    ];
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const m = message as DapRequest;
    if (m.type !== 'request') return;
    switch (m.command) {
      case 'initialize':
        this.respond(m, { supportsRestartRequest: true, supportsTerminateRequest: true });
        return;
      case 'launch':
        void this.launch(m);
        return;
      case 'restart':
        void this.restart(m);
        return;
      case 'disconnect':
        void this.finish().then(() => this.respond(m));
        return;
      case 'terminate':
        // The debuggee (the container) is gone once finished: say so, and VS Code disconnects.
        void this.finish().then(() => {
          this.respond(m);
          this.event('terminated');
        });
        return;
      case 'threads':
        this.respond(m, { threads: [] });
        return;
      default:
        this.respond(m);
    }
  }

  dispose(): void {
    // The window closing ends the session without a disconnect: the container goes too.
    void this.finish();
    for (const d of this.subscriptions) d.dispose();
  }

  private folder(): vscode.WorkspaceFolder | undefined {
    return this.session.workspaceFolder ?? vscode.workspace.workspaceFolders?.[0];
  }

  private async launch(m: DapRequest): Promise<void> {
    const folder = this.folder();
    const connection = this.ctx.engine;
    const docker = connection?.client;
    const d = folder ? resolveBerthDebug(this.session.configuration, folder.uri.fsPath) : 'no workspace folder is open';
    if (typeof d === 'string' || !folder || !connection || !docker) {
      void vscode.window.showErrorMessage(typeof d === 'string' ? `The launch configuration "${this.session.name}" is wrong: ${d}.` : 'Berth is not connected to a container engine. See the Engine view.');
      this.respond(m);
      this.event('terminated');
      return;
    }
    const deps = buildDeps(this.ctx, connection, docker);
    const exec: DockerExec = { cli: dockerCli(), dockerHost: deps.engine.dockerHost };
    const log = this.ctx.buildLog;
    const run = new DebugRun(docker, {
      build: deps,
      checker: localPortChecker,
      sink: { text: (t) => log.append(t), step: (label) => run.progress(label.slice(0, 90)) },
      consent: async (q) => {
        const install = `Install ${q.addOn}`;
        const answer = await vscode.window.showWarningMessage(
          `${q.what} is not installed in ${q.image}. Add it in a debug image (${q.tag}, made with ${q.needs})?`,
          { modal: true, detail: 'Your Dockerfile and the image it builds stay as they are.' }, install);
        return answer === install;
      },
    }, d);
    this.run = run;
    const running = await this.withProgress(`Debug in a container: ${d.image}`, (p) => { run.progress = p; }, (signal) => run.start(signal));
    if (running && (await this.attach(folder, running, exec))) {
      this.respond(m);
      return;
    }
    await this.finish();
    this.respond(m);
    this.event('terminated');
  }

  private async restart(m: DapRequest): Promise<void> {
    // VS Code sends the configuration again, re-read from launch.json when it changed there.
    const raw = m.arguments?.arguments as Record<string, unknown> | undefined;
    await this.rebuild(raw?.type === BERTH_DEBUG_TYPE ? raw : undefined);
    this.respond(m);
  }

  /**
   * VS Code's Restart reached a session under this one (js-debug's target sessions do not hand their
   * lifecycle up, so Restart goes to them): restart this whole session instead, with launch.json's
   * configuration as it is now.
   */
  restartFromDescendant(): void {
    if (this.busy || this.ended || !this.run) return;
    const folder = this.folder();
    const configs = folder ? vscode.workspace.getConfiguration('launch', folder.uri).get<Record<string, unknown>[]>('configurations') ?? [] : [];
    const raw = configs.find((c) => c && c.type === BERTH_DEBUG_TYPE && c.name === this.session.name);
    void this.rebuild(raw);
  }

  /** Stops the child, builds again, replaces the container only when the image changed, attaches again; ends the session when that fails. */
  private async rebuild(raw: Record<string, unknown> | undefined): Promise<void> {
    const folder = this.folder();
    const run = this.run;
    if (!run || !folder || this.busy || this.ended) return;
    this.busy = true;
    try {
      await this.stopChild();
      const d = raw ? resolveBerthDebug(substitute(raw, folder) as Record<string, unknown>, folder.uri.fsPath) : undefined;
      if (typeof d === 'string') {
        void vscode.window.showErrorMessage(`The launch configuration "${this.session.name}" is wrong: ${d}.`);
      } else {
        const connection = this.ctx.engine;
        const docker = connection?.client;
        const exec: DockerExec = { cli: dockerCli(), dockerHost: connection && docker ? buildDeps(this.ctx, connection, docker).engine.dockerHost : '' };
        const result = await this.withProgress(`Restart in a container: ${(d ?? run.config).image}`, (p) => { run.progress = p; }, (signal) => run.restart(d, signal));
        if (result) {
          this.ctx.buildLog.appendLine(`── ${result.replaced ? `Started ${result.running.containerName} from the new image` : `Attaching again to ${result.running.containerName}`} ──`);
          if (await this.attach(folder, result.running, exec)) return;
        }
      }
    } finally {
      this.busy = false;
    }
    await this.finish();
    this.event('terminated');
  }

  /** Starts the ecosystem's debugger as this session's child; false (and said why) when VS Code would not. */
  private async attach(folder: vscode.WorkspaceFolder, running: RunningDebug, exec: DockerExec): Promise<boolean> {
    const d = this.run!.config;
    for (const moved of running.moved) {
      void vscode.window.showInformationMessage(`Port ${moved.wanted} is already taken on this machine, so the ${moved.containerPort === d.appPort ? 'app\'s' : 'debugger\'s'} port ${moved.containerPort} is published on ${moved.used} instead.`);
    }
    const app = running.appHostPort;
    this.ctx.buildLog.appendLine(`── ${running.containerName} runs ${running.image.ref}; ${DEBUGGER_NAMES[d.platform]}${running.debugHostPort ? ` on 127.0.0.1:${running.debugHostPort}` : ''}${app ? `, the app on http://127.0.0.1:${app}/` : ''} ──`);
    if (app) vscode.window.setStatusBarMessage(`$(debug) ${running.containerName}: the app is on http://127.0.0.1:${app}/`, 15_000);
    this.ctx.views.refresh(['container']);
    const config = {
      ...attachConfiguration(d, { containerId: running.containerId, containerName: running.containerName, debugHostPort: running.debugHostPort, exec }),
      berthAppPort: app,
    } as unknown as vscode.DebugConfiguration;
    const started = await vscode.debug.startDebugging(folder, config, {
      parentSession: this.session,
      lifecycleManagedByParent: true,
      compact: true,
      consoleMode: vscode.DebugConsoleMode.MergeWithParent,
    });
    if (!started) {
      void vscode.window.showErrorMessage(`VS Code did not start the ${String(config.type)} debugger for container ${running.containerName}; see the Debug Console.`);
    }
    return started;
  }

  /** Runs `work` under a cancellable notification; undefined (and said why) when it failed or was cancelled. */
  private async withProgress<T>(title: string, onProgress: (report: (m: string) => void) => void, work: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        onProgress((message) => progress.report({ message }));
        return work(abort.signal);
      });
    } catch (err) {
      if (err instanceof BuildCancelled || err instanceof DebugCancelled || err instanceof AddOnDeclined) return undefined;
      const cause = err instanceof BuildFailure ? (err.engineError ?? new UserError(err.message)) : err;
      const message = userMessage(cause, `start ${this.run?.config.image ?? 'the image'} for debugging`);
      this.ctx.buildLog.appendLine(`── ${message} ──`);
      void vscode.window.showErrorMessage(message, 'Show Build Log').then((picked) => {
        if (picked) this.ctx.buildLog.show();
      });
      return undefined;
    }
  }

  private async stopChild(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((r) => {
      const sub = this.childEnded.event(() => { sub.dispose(); r(); });
      setTimeout(() => { sub.dispose(); r(); }, 10_000);
    });
    // Not stopDebugging: VS Code hands a child's stop to its parent (lifecycleManagedByParent), which
    // would end this whole session. A disconnect leaves the debuggee (the app) running.
    await Promise.resolve(child.customRequest('disconnect', { restart: false, terminateDebuggee: false })).catch(() => vscode.debug.stopDebugging(child));
    await gone;
  }

  /** Ends the child and removes the container; once. */
  private async finish(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.busy = true;
    try {
      await this.stopChild().catch(() => undefined);
      const id = this.run?.current?.containerId;
      await this.run?.stop().catch((err: unknown) => {
        void vscode.window.showWarningMessage(`${userMessage(err, `remove the debug container ${id?.slice(0, 12) ?? ''}`)} Remove it from the Containers view.`);
      });
      this.ctx.views.refresh(['container']);
    } finally {
      this.busy = false;
    }
  }

  private respond(m: DapRequest, body?: unknown): void {
    this.sent.fire({ seq: this.seq++, type: 'response', request_seq: m.seq, command: m.command, success: true, ...(body ? { body } : {}) } as vscode.DebugProtocolMessage);
  }

  private event(event: string, body?: unknown): void {
    this.sent.fire({ seq: this.seq++, type: 'event', event, ...(body ? { body } : {}) } as vscode.DebugProtocolMessage);
  }
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
