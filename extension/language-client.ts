// Starts dist/language-server.js over stdio for Dockerfiles and Compose files (language `dockercompose`)
// and keeps it fed with the engine's image names, and answers its questions about base images from the
// engine (engine/base-image-facts.ts; the server never talks to an engine itself). The server starts with the first such file opened, not
// at activation: a window that only looks at containers should not pay for a second process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DOCKERFILE_GLOB, isDockerfileDocument } from './dockerfile-names.js';
import type { BaseImageResolver } from './engine/base-image-facts.js';
import { SERVER_ENV, SERVER_NODE_FLAGS } from './language-server-process.js';
import {
  BASE_IMAGES_CHANGED_NOTIFICATION, BASE_IMAGES_REQUEST, COMPOSE_LANGUAGE_ID, IMAGE_NAMES_NOTIFICATION, SETTINGS_SECTION,
  type BaseImagesParams, type BaseImagesResult, type ImageNamesParams, type InitializationOptions,
} from './language-protocol.js';

/** What the server answers for: Dockerfiles, by language or by name, and Compose files. */
export const DOCUMENT_SELECTOR = [{ language: 'dockerfile' }, { scheme: 'file', pattern: DOCKERFILE_GLOB }, { language: COMPOSE_LANGUAGE_ID }];

export function isServedDocument(doc: { languageId: string; fileName: string; uri: { scheme: string } }): boolean {
  return isDockerfileDocument(doc) || doc.languageId === COMPOSE_LANGUAGE_ID;
}

export class DockerfileLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private lastNames: string[] | undefined;
  /** The missing-server message is shown once per window, not per Dockerfile opened. */
  private toldMissing = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel, private readonly baseImages: BaseImageResolver) {}

  get serverModule(): string {
    return path.join(this.extensionPath, 'dist', 'language-server.js');
  }

  /** Starts the server now if a Dockerfile or Compose file is open, else when the first one opens. */
  startOnFirstDocument(): void {
    if (vscode.workspace.textDocuments.some(isServedDocument)) {
      void this.start();
      return;
    }
    const sub = vscode.workspace.onDidOpenTextDocument((doc) => {
      if (!isServedDocument(doc)) return;
      sub.dispose();
      void this.start();
    });
    this.disposables.push(sub);
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      this.log.error(`The Dockerfile language server did not start: ${why}`);
      void vscode.window.showErrorMessage(`Berth's Dockerfile language server did not start (${why}). Its log is in the "Berth Dockerfile" output.`, 'Show Log').then((picked) => {
        if (picked) this.log.show();
      });
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const module = this.serverModule;
    if (!fs.existsSync(module)) {
      this.log.warn(`No language server at ${module}; Dockerfiles are not linted.`);
      if (!this.toldMissing) {
        this.toldMissing = true;
        void vscode.window.showWarningMessage(
          `Berth's Dockerfile language server is missing from the extension (${module}), so Dockerfiles get no linting, completion or quick fixes. Reinstall Berth, or run "npm run build" in a development checkout.`,
        );
      }
      return;
    }
    // Loaded here, not at the top: the client library is large and activation must stay fast.
    const { LanguageClient, TransportKind } = await import('vscode-languageclient/node');
    const client = new LanguageClient(
      'berth.dockerfile',
      'Berth Dockerfile',
      {
        run: { module, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_FLAGS], env: SERVER_ENV } },
        debug: { module, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_FLAGS, '--inspect=6010'], env: SERVER_ENV } },
      },
      {
        documentSelector: DOCUMENT_SELECTOR,
        synchronize: {
          configurationSection: SETTINGS_SECTION,
          fileEvents: vscode.workspace.createFileSystemWatcher('**/.hadolint.{yaml,yml}'),
        },
        outputChannel: this.log,
        initializationOptions: { baseImages: true } satisfies InitializationOptions,
      },
    );
    client.onRequest(BASE_IMAGES_REQUEST, async (p: BaseImagesParams): Promise<BaseImagesResult> => {
      const refs = Array.isArray(p?.references) ? p.references.filter((r): r is string => typeof r === 'string') : [];
      return { images: await this.baseImages.resolve(refs) };
    });
    this.client = client;
    await client.start();
    if (this.lastNames) await this.sendImageNames(this.lastNames);
  }

  /** The engine's images changed: completion of FROM offers what is there. */
  async setImageNames(names: string[]): Promise<void> {
    const same = this.lastNames && this.lastNames.length === names.length && this.lastNames.every((n, i) => n === names[i]);
    this.lastNames = names;
    if (!same && this.client?.isRunning()) await this.sendImageNames(names);
  }

  /** The engine's images (or the engine) changed: the server's base image facts may be stale. */
  async baseImagesChanged(): Promise<void> {
    this.baseImages.invalidate();
    if (this.client?.isRunning()) await this.client.sendNotification(BASE_IMAGES_CHANGED_NOTIFICATION);
  }

  private async sendImageNames(names: string[]): Promise<void> {
    const params: ImageNamesParams = { names };
    await this.client?.sendNotification(IMAGE_NAMES_NOTIFICATION, params);
  }

  async stop(): Promise<void> {
    for (const d of this.disposables.splice(0)) d.dispose();
    const c = this.client;
    this.client = undefined;
    this.starting = undefined;
    if (c?.isRunning()) await c.stop();
  }

  dispose(): void {
    void this.stop();
  }
}
