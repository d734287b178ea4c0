// Owns the lifecycle of everything with a life: the engine connection and the UI bound to it.
// One cleanup bucket, `extCleanup`, for what lives as long as the extension; the engine connection
// owns its own stream and timers and is disposed as a whole when it is replaced (stop, reconnect).
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BuiltImages } from './image-build/built-images.js';
import { ENGINE_SETTINGS, readConfig } from './config.js';
import { EngineConnection, type EngineEvent } from './engine/engine-connection.js';
import { changedKinds } from './engine/resource-events.js';
import type { EngineStatus } from './engine/engine-status.js';
import { EngineSettingError, resolveEngineTarget } from './engine/engine-target.js';
import { BaseImageResolver } from './engine/base-image-facts.js';
import { listImageNames } from './engine/image-names.js';
import type { WayOut } from './engine/preflight.js';
import { EngineStatusBar } from './status-bar.js';
import { BerthCredentials } from './registry/berth-credentials.js';
import { credentialHelperRunner } from './registry/credential-helper.js';
import { DockerConfig, dockerConfigPath } from './registry/docker-config.js';
import { RegistryCredentials } from './registry/registry-credentials.js';
import { HistoryDocuments, HISTORY_SCHEME } from './inspect/history-documents.js';
import { InspectDocuments, INSPECT_SCHEME } from './inspect/inspect-documents.js';
import { DockerfileLanguageClient } from './language-client.js';
import { StatsPanels } from './stats/stats-panel.js';
import { CONTAINER_FILES_SCHEME, ContainerFileSystem, ContainerFilesView } from './files/container-files.js';
import { EngineViewProvider } from './views/engine-view.js';
import { RegistriesProvider } from './views/registries-view.js';
import { ResourceViews } from './views/resource-views.js';

export class Ctx implements vscode.Disposable {
  readonly engineLog: vscode.LogOutputChannel;
  /** The full log of image builds (and pushes/pulls), one run after another. */
  readonly buildLog: vscode.OutputChannel;
  /** The Compose commands' and tasks' progress (docker compose's plain lines), builds and pulls included. */
  readonly composeLog: vscode.OutputChannel;
  /** Where a failed build points in its Dockerfile. */
  readonly buildDiagnostics: vscode.DiagnosticCollection;
  readonly views: ResourceViews;
  readonly inspectDocuments: InspectDocuments;
  readonly historyDocuments: HistoryDocuments;
  readonly languageClient: DockerfileLanguageClient;
  /** What pulls, pushes and builds send to registries: Berth's logins, then the docker CLI's. */
  readonly registryCredentials: RegistryCredentials;
  /** The Registries view: registries browsed directly (not through the engine). */
  readonly registries: RegistriesProvider;
  /** Show Stats panels, one per container. */
  readonly statsPanels = new StatsPanels();
  /** The Container Files view (Browse Files) over a read-only file system of the archive API. */
  readonly containerFiles: ContainerFilesView;
  private readonly languageLog: vscode.LogOutputChannel;
  private readonly extCleanup: vscode.Disposable[] = [];
  private connection: EngineConnection | undefined;
  private readonly engineView = new EngineViewProvider();
  private readonly statusBar = new EngineStatusBar();
  private lastShownProblem = '';
  private lastState: EngineStatus['state'] = 'stopped';

  constructor(readonly extension: vscode.ExtensionContext) {
    this.engineLog = vscode.window.createOutputChannel('Berth Engine', { log: true });
    this.buildLog = vscode.window.createOutputChannel('Berth Build');
    this.composeLog = vscode.window.createOutputChannel('Berth Compose');
    this.buildDiagnostics = vscode.languages.createDiagnosticCollection('berth-build');
    const builtImages = new BuiltImages(extension.workspaceState);
    this.views = new ResourceViews(() => this.connection?.client, (id) => builtImages.find(id) !== undefined);
    this.inspectDocuments = new InspectDocuments(() => this.connection?.client);
    this.historyDocuments = new HistoryDocuments(() => this.connection?.client, (id) => builtImages.find(id));
    this.registryCredentials = new RegistryCredentials(
      new BerthCredentials(extension.secrets),
      new DockerConfig(dockerConfigPath(process.env, os.homedir()), credentialHelperRunner(process.env)),
      (line) => this.engineLog.warn(line),
    );
    this.registries = new RegistriesProvider(extension.globalState, this.registryCredentials);
    const containerFs = new ContainerFileSystem(() => this.connection?.client);
    this.containerFiles = new ContainerFilesView(containerFs);
    this.languageLog = vscode.window.createOutputChannel('Berth Dockerfile', { log: true });
    const baseImages = new BaseImageResolver(() => this.connection?.client, (line) => this.languageLog.warn(line));
    this.languageClient = new DockerfileLanguageClient(extension.extensionPath, this.languageLog, baseImages);
    this.extCleanup.push(
      this.languageClient,
      this.languageLog,
      this.engineLog,
      this.buildLog,
      this.composeLog,
      this.buildDiagnostics,
      this.views,
      this.inspectDocuments,
      vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, this.inspectDocuments),
      this.historyDocuments,
      vscode.workspace.registerTextDocumentContentProvider(HISTORY_SCHEME, this.historyDocuments),
      vscode.languages.registerDocumentLinkProvider({ scheme: HISTORY_SCHEME }, this.historyDocuments),
      this.engineView,
      this.statusBar,
      vscode.window.registerTreeDataProvider('berth.engine', this.engineView),
      this.registries,
      this.statsPanels,
      this.containerFiles,
      vscode.workspace.registerFileSystemProvider(CONTAINER_FILES_SCHEME, containerFs, { isCaseSensitive: true }),
      vscode.window.createTreeView('berth.registries', { treeDataProvider: this.registries, showCollapseAll: true }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (ENGINE_SETTINGS.some((s) => e.affectsConfiguration(s))) void this.reconnect();
      }),
    );
  }

  get engine(): EngineConnection | undefined {
    return this.connection;
  }

  async start(): Promise<void> {
    const cfg = readConfig();
    let target;
    try {
      target = resolveEngineTarget({
        engine: cfg.engine,
        bundledSocket: cfg.bundledSocket,
        bundledRoot: cfg.bundledRoot,
        env: process.env,
        isRoot: process.getuid?.() === 0,
        homeDir: os.homedir(),
      });
    } catch (err) {
      if (!(err instanceof EngineSettingError)) throw err;
      this.onStatus({ state: 'unreachable', address: cfg.engine, reason: err.message, waysOut: [{ label: 'Choose Engine in Settings', action: { kind: 'open-settings' } }] });
      return;
    }
    const connection = new EngineConnection({
      target,
      runtimeScript: path.join(this.extension.extensionPath, 'dist', 'runtime.js'),
      nodePath: process.execPath,
      isRoot: process.getuid?.() === 0,
      log: (line) => this.engineLog.info(line),
    });
    this.connection = connection;
    connection.on('status', (s: EngineStatus) => this.onStatus(s));
    connection.on('resources', (events: EngineEvent[]) => {
      const kinds = changedKinds(events);
      this.views.refresh(kinds);
      if (kinds.has('image')) {
        void this.feedImageNames();
        void this.languageClient.baseImagesChanged();
      }
    });
    await connection.connect();
  }

  async stop(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    await c?.dispose();
    this.onStatus({ state: 'stopped' });
  }

  async reconnect(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private onStatus(s: EngineStatus): void {
    // Only a change between running and not running changes what the resource views can show;
    // the status also repeats `running` after each event batch (fresh /info counts).
    const wasRunning = this.lastState === 'running';
    this.lastState = s.state;
    if (wasRunning !== (s.state === 'running')) {
      this.views.refreshAll();
      if (s.state === 'running') void this.feedImageNames();
      // Another engine, or none: what it has of the base images is to be asked again.
      void this.languageClient.baseImagesChanged();
    }
    this.engineView.update(s);
    this.statusBar.update(s);
    void vscode.commands.executeCommand('setContext', 'berth.engineRunning', s.state === 'running');
    void vscode.commands.executeCommand('setContext', 'berth.engineState', s.state);
    if (s.state === 'unreachable' && s.reason !== this.lastShownProblem) {
      this.lastShownProblem = s.reason;
      void this.offerWaysOut(s.reason, s.waysOut);
    }
    if (s.state === 'running') this.lastShownProblem = '';
  }

  /** FROM completion offers the images of the engine connected now. */
  private async feedImageNames(): Promise<void> {
    const docker = this.connection?.client;
    if (!docker) return;
    try {
      await this.languageClient.setImageNames(await listImageNames(docker));
    } catch (err) {
      // Completion without the engine's names still works; the log says why they are missing.
      this.languageLog.warn(`Could not list the engine's images for completion: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async offerWaysOut(reason: string, waysOut: WayOut[]): Promise<void> {
    const picked = await vscode.window.showWarningMessage(reason, ...waysOut.map((w) => w.label));
    const way = waysOut.find((w) => w.label === picked);
    if (!way) return;
    switch (way.action.kind) {
      case 'use-docker':
        await vscode.workspace.getConfiguration('berth').update('engine', 'docker', vscode.ConfigurationTarget.Global);
        break;
      case 'open-settings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'berth.engine');
        break;
      case 'copy-command':
        await vscode.env.clipboard.writeText(way.action.command);
        void vscode.window.showInformationMessage(`Copied: ${way.action.command}`);
        break;
      case 'open-readme':
        await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(this.extension.extensionUri, 'README.md'));
        break;
    }
  }

  dispose(): void {
    for (const d of this.extCleanup.splice(0)) d.dispose();
  }
}
