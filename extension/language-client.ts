// Starts dist/language-server.js over stdio for Dockerfiles and keeps it fed with the engine's image names.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { IMAGE_NAMES_NOTIFICATION, SETTINGS_SECTION, type ImageNamesParams } from './language-protocol.js';

const DOCKERFILE_PATTERN = '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*,Containerfile.*}';

export class DockerfileLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private lastNames: string[] = [];

  constructor(private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel) {}

  async start(): Promise<void> {
    if (this.client) return;
    const module = path.join(this.extensionPath, 'dist', 'language-server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.stdio },
      debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--inspect=6010'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'dockerfile' }, { scheme: 'file', pattern: DOCKERFILE_PATTERN }],
      synchronize: {
        configurationSection: SETTINGS_SECTION,
        fileEvents: vscode.workspace.createFileSystemWatcher('**/.hadolint.{yaml,yml}'),
      },
      outputChannel: this.log,
    };
    this.client = new LanguageClient('berth.dockerfile', 'Berth Dockerfile', serverOptions, clientOptions);
    await this.client.start();
    if (this.lastNames.length) await this.sendImageNames(this.lastNames);
  }

  /** The engine's images changed: completion of FROM offers what is there. */
  async setImageNames(names: string[]): Promise<void> {
    this.lastNames = names;
    if (this.client?.isRunning()) await this.sendImageNames(names);
  }

  private async sendImageNames(names: string[]): Promise<void> {
    const params: ImageNamesParams = { names };
    await this.client!.sendNotification(IMAGE_NAMES_NOTIFICATION, params);
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c?.isRunning()) await c.stop();
  }

  dispose(): void {
    void this.stop();
  }
}
