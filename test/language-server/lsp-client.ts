// A real LSP client over stdio for the language-server tests and benchmarks: spawns the server
// (the TypeScript source through tsx, or a built bundle), answers workspace/configuration from a
// settings object the test controls, and collects publishDiagnostics and log messages.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  ConfigurationRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, ExitNotification, InitializedNotification, InitializeRequest,
  LogMessageNotification, PublishDiagnosticsNotification, RegistrationRequest, ShowMessageNotification, ShutdownRequest,
  type Diagnostic, type FileEvent, type InitializeResult, type PublishDiagnosticsParams, type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

const repo = path.resolve(__dirname, '..', '..');

export interface ClientOptions {
  /** Path of a built bundle (dist/language-server.js); default: language-server/main.ts through tsx. */
  readonly bundle?: string;
  readonly settings?: unknown;
  readonly workspaceFolder?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra node flags for the server process (e.g. --cpu-prof when profiling). */
  readonly nodeArgs?: readonly string[];
  /** false: leave workspace/configuration requests unanswered (a misbehaving client). */
  readonly answerConfiguration?: boolean;
  /** Sent in initialize (Berth's extension sends `{ baseImages: true }`). */
  readonly initializationOptions?: unknown;
}

export interface DiagnosticsWaiter {
  readonly uri: string;
  readonly version: number | undefined;
  resolve(p: PublishDiagnosticsParams): void;
  accept(p: PublishDiagnosticsParams): boolean;
}

export class LspClient {
  readonly connection: ProtocolConnection;
  readonly logs: string[] = [];
  readonly shown: string[] = [];
  /** Last publishDiagnostics per URI. */
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  settings: unknown;
  configurationRequests = 0;
  private waiters: DiagnosticsWaiter[] = [];
  /** Each returns true when it has taken the message. */
  private shownWaiters: ((message: string) => boolean)[] = [];
  private versions = new Map<string, number>();
  private exited: Promise<number | null>;

  private constructor(readonly process: ChildProcess, options: ClientOptions) {
    this.settings = options.settings ?? {};
    this.connection = createProtocolConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!));
    this.exited = new Promise((resolve) => process.on('exit', (code) => resolve(code)));
    this.connection.onRequest(ConfigurationRequest.type, (p) => {
      this.configurationRequests++;
      if (options.answerConfiguration === false) return new Promise<never>(() => undefined);
      return p.items.map(() => this.settings);
    });
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.onNotification(LogMessageNotification.type, (p) => { this.logs.push(p.message); });
    this.connection.onNotification(ShowMessageNotification.type, (p) => {
      this.shown.push(p.message);
      this.shownWaiters = this.shownWaiters.filter((w) => !w(p.message));
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.accept(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    this.connection.listen();
  }

  static async start(options: ClientOptions = {}): Promise<LspClient> {
    const args = [...(options.nodeArgs ?? []), ...(options.bundle
      ? [options.bundle, '--stdio']
      : ['--import', 'tsx', path.join(repo, 'language-server', 'main.ts'), '--stdio'])];
    const child = spawn(process.execPath, args, { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...options.env } });
    const client = new LspClient(child, options);
    const folder = options.workspaceFolder;
    const result: InitializeResult = await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: folder ? `file://${folder}` : null,
      ...(options.initializationOptions !== undefined ? { initializationOptions: options.initializationOptions } : {}),
      workspaceFolders: folder ? [{ uri: `file://${folder}`, name: 'ws' }] : null,
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true },
          semanticTokens: { requests: { full: { delta: true }, range: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
        },
      },
    });
    client.initializeResult = result;
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  initializeResult: InitializeResult | undefined;

  /** Resolves with the next publishDiagnostics for `uri` (at `version` when given). */
  nextDiagnostics(uri: string, version?: number, accept: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => {
      this.waiters.push({ uri, version, resolve, accept: (p) => p.uri === uri && (version === undefined || p.version === version) && accept(p) });
    });
  }

  /** Resolves with the next window/showMessage text that `accept` takes. */
  nextShown(accept: (message: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      this.shownWaiters.push((m) => {
        if (!accept(m)) return false;
        resolve(m);
        return true;
      });
    });
  }

  async open(uri: string, text: string, languageId = 'dockerfile'): Promise<PublishDiagnosticsParams> {
    this.versions.set(uri, 1);
    const next = this.nextDiagnostics(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return next;
  }

  /** Sends a change; resolves with the diagnostics published for the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<PublishDiagnosticsParams> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const next = this.nextDiagnostics(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return next;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async changeSettings(settings: unknown): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { berth: { dockerfile: settings } } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // The server is gone already.
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}

export function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code));
}
