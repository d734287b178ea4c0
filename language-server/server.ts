// Wires the features to an LSP connection. The connection and the Dockerfile library are passed
// in, so tests and benchmarks can run the same server over any stream.
import {
  CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, ErrorCodes, MessageType, ResponseError, ShowMessageNotification,
  TextDocumentSyncKind, type Connection, type InitializeParams, type InitializeResult, type TextDocumentPositionParams,
} from 'vscode-languageserver';
import { COMPOSE_WATCHED, ComposeService, isComposeDocument } from './compose/compose-service';
import type { ComposeDocument } from './compose/compose-documents';
import type { CompilerTiers } from './compiler-tiers';
import { DiagnosticsService, type Linters } from './diagnostics';
import { DocumentStore, type ParsedDocument, type Parser } from './documents';
import { codeActions, type IgnoreFixes } from './features/code-actions';
import { completion, type CompletionInputs } from './features/completion';
import { definition } from './features/definition';
import { foldingRanges } from './features/folding';
import { formatDocument, formatOnType, formatRange } from './features/formatting';
import { hover } from './features/hover';
import { documentLinks } from './features/links';
import { documentHighlights, references } from './features/references';
import { prepareRename, rename } from './features/rename';
import { LEGEND, SemanticTokensCache, semanticTokensFull, semanticTokensRange } from './features/semantic-tokens';
import { signatureHelp } from './features/signature-help';
import { documentSymbols } from './features/symbols';
import { guardNotification, guardRequest, type ErrorLog } from './guard';
import { HadolintConfigs, type ConfigParser } from './hadolint-config';
import { IdleGate } from './idle-gate';
import { BaseImages } from './base-images';
import {
  BASE_IMAGES_CHANGED_NOTIFICATION, BASE_IMAGES_REQUEST, IMAGE_NAMES_NOTIFICATION, SETTINGS_SECTION,
  type BaseImagesParams, type BaseImagesResult, type InitializationOptions,
} from './protocol';
import { RuleDocs } from './rule-docs';
import { SettingsCache } from './settings';
import { warmUp, warmUpServerPaths } from './warm-up';
import { ShellcheckRunner, type ShellcheckRunnerDeps } from './shellcheck-runner';

export interface ServerDeps {
  readonly parse: Parser;
  readonly linters: Linters;
  /** Starting ShellCheck and finding its executable. */
  readonly shellcheck: Pick<ShellcheckRunnerDeps, 'run' | 'locate'>;
  readonly ignoreFixes: IgnoreFixes;
  readonly ruleNames: CompletionInputs['ruleNames'];
  readonly parseHadolintConfig: ConfigParser;
  readonly docs?: RuleDocs;
  /** Delay between an edit and linting it (default 50 ms, as docker-language-server). */
  readonly debounceMs?: number;
  /** false: skip compiling the hot paths while answering initialize (warm-up.ts). */
  readonly warmUp?: boolean;
  /** The environment Compose files interpolate `${VAR}` from (default: the server's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Told of edits, to turn V8's optimizing compiler on when it starts paying (compiler-tiers.ts). */
  readonly compilerTiers?: Pick<CompilerTiers, 'edited'>;
}

export const SERVER_NAME = 'berth-dockerfile';

export function startServer(connection: Connection, deps: ServerDeps): void {
  const log: ErrorLog = { error: (m) => connection.console.error(m) };
  const warn = (m: string) => connection.console.warn(m);
  const store = new DocumentStore(deps.parse);
  const docs = deps.docs ?? new RuleDocs();
  let canPullConfiguration = false;
  const settings = new SettingsCache({
    fetch: (uri) => (canPullConfiguration
      ? connection.workspace.getConfiguration(uri === undefined ? { section: SETTINGS_SECTION } : { scopeUri: uri, section: SETTINGS_SECTION })
      : undefined),
    warn,
  });
  // A notification, not window/showMessageRequest: nothing to answer, and no promise to fail.
  const tell = (m: string) => {
    warn(`berth: ${m}`);
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Berth: ${m}` }).catch(() => undefined);
  };
  const configs = new HadolintConfigs(deps.parseHadolintConfig, tell);
  // ShellCheck waits for moments without requests (100 ms); an editor pauses that long within
  // seconds even while typing, so forcing it through is for clients that never stop (after 5 s).
  const idle = new IdleGate({ idleMs: 100, maxWaitMs: 5000, forcedEveryMs: 100 });
  const shellcheck = new ShellcheckRunner(deps.shellcheck);
  // Facts of base images, asked of a client that offers them (initializationOptions.baseImages).
  const baseImages = new BaseImages({ changed: (refs) => diagnostics.baseImagesChanged(refs), warn });
  const diagnostics = new DiagnosticsService({
    baseImages,
    documents: store,
    settings,
    hadolintConfig: (uri) => configs.forDocument(uri),
    linters: deps.linters,
    shellcheck,
    quiet: idle,
    docs,
    publish: (uri, version, list) => void connection.sendDiagnostics({ uri, version, diagnostics: list }).catch((e: unknown) => log.error(`berth: could not publish diagnostics for ${uri}: ${String(e)}`)),
    log,
    notify: tell,
    debounceMs: deps.debounceMs ?? 50,
  });
  const tokens = new SemanticTokensCache();
  let imageNames: readonly string[] = [];
  const compose = new ComposeService({
    texts: store.documents,
    publish: (uri, version, list) => void connection.sendDiagnostics({ uri, version, diagnostics: list }).catch((e: unknown) => log.error(`berth: could not publish diagnostics for ${uri}: ${String(e)}`)),
    log,
    debounceMs: deps.debounceMs ?? 50,
    env: deps.env ?? process.env,
    imageNames: () => imageNames,
  });

  const request = <P, R>(name: string, fallback: R, fn: (p: P) => R | Promise<R>) => guardRequest(log, name, fallback, (p: P) => {
    idle.touch();
    return fn(p);
  });
  /** Runs `fn` on the parse of the document the request names; `fallback` when it is not open. */
  const onDoc = <P extends { textDocument: { uri: string } }, R>(name: string, fallback: R, fn: (doc: ParsedDocument, p: P) => R) =>
    request<P, R>(name, fallback, (p) => {
      const doc = store.get(p.textDocument.uri);
      return doc ? fn(doc, p) : fallback;
    });
  /** As onDoc, and `composeFn` for a Compose file (features it lacks answer with `fallback`). */
  const onEither = <P extends { textDocument: { uri: string } }, R>(name: string, fallback: R, fn: (doc: ParsedDocument, p: P) => R, composeFn: (doc: ComposeDocument, p: P) => R) =>
    request<P, R>(name, fallback, (p) => {
      const c = compose.get(p.textDocument.uri);
      if (c) return composeFn(c, p);
      const doc = store.get(p.textDocument.uri);
      return doc ? fn(doc, p) : fallback;
    });

  connection.onInitialize(guardRequest(log, 'initialize', { capabilities: {} }, async (params: InitializeParams): Promise<InitializeResult> => {
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    if ((params.initializationOptions as InitializationOptions | undefined)?.baseImages === true) {
      baseImages.enable((references) => connection.sendRequest<BaseImagesResult>(BASE_IMAGES_REQUEST, { references } satisfies BaseImagesParams));
    }
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    configs.setWorkspaceFolders(folders);
    settings.setWorkspaceFolders(folders);
    const dynamicWatch = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const dynamicConfig = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    connection.onInitialized(guardNotification(log, 'initialized', async () => {
      // The first document opened finds its settings asked for already (lsp-open-once-trace: the
      // round trip made the first open the slowest of every run).
      settings.prefetch();
      if (dynamicWatch) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/.hadolint.{yaml,yml}' }, ...COMPOSE_WATCHED.map((globPattern) => ({ globPattern }))],
        });
      }
      if (dynamicConfig) await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
      if (params.capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders(guardNotification(log, 'workspaceFolders', async () => {
          const now = await connection.workspace.getWorkspaceFolders();
          configs.setWorkspaceFolders(now?.map((f) => f.uri) ?? []);
          settings.setWorkspaceFolders(now?.map((f) => f.uri) ?? []);
          diagnostics.refreshAll();
        }));
      }
    }));
    // Before answering: the client sends documents right after, and they should find compiled code.
    if (deps.warmUp !== false) {
      try {
        warmUp(deps.linters, deps.parse, docs, deps.ruleNames.map((r) => r.name));
        await warmUpServerPaths(deps.linters, deps.parse, docs, deps.parseHadolintConfig, (exe) => deps.shellcheck.locate(exe));
      } catch (e) {
        log.error(`berth: warming up failed (the first files are linted more slowly): ${e instanceof Error ? e.stack : String(e)}`);
      }
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', '-', '=', '$', '{', ':', ',', '#'] },
        signatureHelpProvider: { triggerCharacters: [' ', '-', '[', ','], retriggerCharacters: ['='] },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        documentSymbolProvider: { label: 'Berth' },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        documentOnTypeFormattingProvider: { firstTriggerCharacter: '\n' },
        renameProvider: { prepareProvider: true },
        documentLinkProvider: { resolveProvider: false },
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: { delta: true }, range: true },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SERVER_NAME },
    };
  }));

  // TextDocuments reports an open as onDidOpen and then onDidChangeContent: lint once, undelayed.
  const openedAt = new Map<string, number>();
  store.documents.onDidOpen(guardNotification(log, 'didOpen', (e) => {
    idle.touch();
    openedAt.set(e.document.uri, e.document.version);
    if (isComposeDocument(e.document)) compose.opened(e.document.uri);
    else diagnostics.opened(e.document.uri);
  }));
  store.documents.onDidChangeContent(guardNotification(log, 'didChange', (e) => {
    idle.touch();
    if (openedAt.get(e.document.uri) === e.document.version) return;
    openedAt.delete(e.document.uri);
    deps.compilerTiers?.edited();
    if (isComposeDocument(e.document)) compose.changed(e.document.uri);
    else diagnostics.changed(e.document.uri);
  }));
  store.documents.onDidClose(guardNotification(log, 'didClose', (e) => {
    openedAt.delete(e.document.uri);
    if (isComposeDocument(e.document)) compose.closed(e.document.uri);
    else diagnostics.closed(e.document.uri);
    tokens.forget(e.document.uri);
  }));

  connection.onDidChangeConfiguration(guardNotification(log, 'didChangeConfiguration', (p) => {
    const raw = (p?.settings as Record<string, unknown> | undefined)?.berth as Record<string, unknown> | undefined;
    settings.invalidate(raw?.dockerfile);
    shellcheck.forgetLocations();
    diagnostics.refreshAll();
  }));
  connection.onDidChangeWatchedFiles(guardNotification(log, 'didChangeWatchedFiles', (p) => {
    // A Compose file's checks read other files: the rest of its project, .env, Dockerfiles, env files.
    if (p.changes.some((c) => !HadolintConfigs.isConfigFile(c.uri))) compose.refreshAll();
    if (!p.changes.some((c) => HadolintConfigs.isConfigFile(c.uri))) return;
    configs.invalidate();
    diagnostics.refreshAll();
  }));
  connection.onNotification(IMAGE_NAMES_NOTIFICATION, guardNotification(log, IMAGE_NAMES_NOTIFICATION, (p: unknown) => {
    const names = (p as { names?: unknown } | null)?.names;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      warn(`berth: ${IMAGE_NAMES_NOTIFICATION} needs {names: string[]}; got ${JSON.stringify(p)?.slice(0, 200)}`);
      return;
    }
    imageNames = names;
  }));

  connection.onNotification(BASE_IMAGES_CHANGED_NOTIFICATION, guardNotification(log, BASE_IMAGES_CHANGED_NOTIFICATION, () => {
    baseImages.imagesChanged(diagnostics.baseImageReferences());
  }));

  const inputs = (): CompletionInputs => ({ imageNames, ruleNames: deps.ruleNames, baseImages: baseImages.lookup });
  const images = { get lookup() { return baseImages.lookup; }, image: (ref: string) => baseImages.image(ref) };
  const at = (p: TextDocumentPositionParams) => p.position;

  connection.onHover(onEither('hover', null, (d, p) => hover(d.ast, at(p), images), (c, p) => compose.hover(c, at(p))));
  connection.onCompletion(onEither('completion', [], (d, p) => completion(d.ast, at(p), inputs()), (c, p) => compose.completion(c, at(p))));
  connection.onSignatureHelp(onDoc('signatureHelp', null, (d, p) => signatureHelp(d.ast, at(p))));
  connection.onDefinition(onEither('definition', null, (d, p) => definition(d.ast, d.uri, at(p)), (c, p) => compose.definition(c, at(p))));
  connection.onReferences(onEither('references', [], (d, p) => references(d.ast, d.uri, at(p), p.context?.includeDeclaration ?? true),
    (c, p) => compose.references(c, at(p), p.context?.includeDeclaration ?? true)));
  connection.onDocumentHighlight(onEither('documentHighlight', [], (d, p) => documentHighlights(d.ast, at(p)), (c, p) => compose.highlights(c, at(p))));
  connection.onDocumentSymbol(onEither('documentSymbol', [], (d) => documentSymbols(d.ast), (c) => compose.symbols(c)));
  connection.onFoldingRanges(onEither('foldingRange', [], (d) => foldingRanges(d.ast), (c) => compose.folding(c)));
  connection.onDocumentLinks(onEither('documentLink', [], (d) => documentLinks(d.ast), (c) => compose.links(c)));
  connection.onDocumentFormatting(onDoc('formatting', [], (d, p) => formatDocument(d.ast, p.options)));
  connection.onDocumentRangeFormatting(onDoc('rangeFormatting', [], (d, p) => formatRange(d.ast, p.range, p.options)));
  connection.onDocumentOnTypeFormatting(onDoc('onTypeFormatting', [], (d, p) => formatOnType(d.ast, p.position.line, p.options)));
  connection.onPrepareRename(onDoc('prepareRename', null, (d, p) => prepareRename(d.ast, at(p))));
  connection.onRenameRequest(onDoc('rename', null, (d, p) => {
    const r = rename(d.ast, d.uri, at(p), p.newName);
    if (r && 'error' in r) return new ResponseError(ErrorCodes.InvalidRequest, r.error);
    return r?.edit ?? null;
  }));
  connection.onCodeAction(onDoc('codeAction', [], (d, p) => codeActions(d.ast, diagnostics.findings(d.uri, d.version), {
    uri: d.uri, diagnostics: p.context.diagnostics, only: p.context.only,
  }, deps.ignoreFixes)));
  connection.languages.semanticTokens.on(onDoc('semanticTokens/full', { data: [] }, (d) => tokens.full(d.uri, semanticTokensFull(d.ast))));
  connection.languages.semanticTokens.onDelta(onDoc('semanticTokens/full/delta', { data: [] }, (d, p) => tokens.delta(d.uri, p.previousResultId, semanticTokensFull(d.ast))));
  connection.languages.semanticTokens.onRange(onDoc('semanticTokens/range', { data: [] }, (d, p) => ({ data: semanticTokensRange(d.ast, p.range) })));

  store.documents.listen(connection);
}
