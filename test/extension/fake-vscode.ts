// A stand-in for the `vscode` module, enough for the tree providers, terminals and activation to run in
// plain Node (tests and benchmarks). Real behaviour where tests look (events, tree items, config);
// everything else is a recording no-op. Load it with `installFakeVscode()` before importing extension code.
import Module from 'node:module';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export class ThemeIcon {
  constructor(readonly id: string, readonly color?: ThemeColor) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class MarkdownString {
  supportThemeIcons = false;
  constructor(public value = '') {}
}

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  constructor(private readonly fn: () => void) {}
  dispose(): void {
    this.fn();
  }
}

export class CancellationError extends Error {}

export const StatusBarAlignment = { Left: 1, Right: 2 };
export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 };
export const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };
export const TextEditorRevealType = { Default: 0, InCenter: 1 };

/** Settings the fake configuration answers with; tests set them. */
export const settings = new Map<string, unknown>();
/** setContext calls and other executed commands, for tests to look at. */
export const executed: { command: string; args: unknown[] }[] = [];
export const messages: { level: string; text: string }[] = [];
/** What the next input boxes answer, in order (undefined: the user pressed Escape); their options are kept. */
export const inputBoxAnswers: (string | undefined)[] = [];
export const inputBoxes: Record<string, unknown>[] = [];
/** Each quick pick calls the next chooser with its items; no chooser left means Escape. */
export const quickPickChoosers: ((items: readonly Record<string, unknown>[]) => unknown)[] = [];

const noop = (): void => undefined;
const disposable = { dispose: noop };

/** Any property is a function returning a disposable-like stub: enough for calls whose result is ignored. */
function stubNamespace(name: string, real: Record<string, unknown>): unknown {
  return new Proxy(real, {
    get(target, prop: string) {
      if (prop in target) return target[prop];
      return (..._args: unknown[]) => stubObject(`${name}.${prop}`);
    },
  });
}

function stubObject(name: string): unknown {
  return new Proxy(
    { dispose: noop },
    {
      get(target, prop: string) {
        if (prop === 'then') return undefined;
        if (prop in target) return (target as Record<string, unknown>)[prop];
        return (..._args: unknown[]) => stubObject(`${name}.${prop}`);
      },
    },
  );
}

export const window = stubNamespace('window', {
  createTreeView: (_id: string, opts: { treeDataProvider: unknown }) => ({ ...disposable, selection: [], visible: false, onDidChangeVisibility: () => disposable, provider: opts.treeDataProvider }),
  showInformationMessage: async (text: string) => void messages.push({ level: 'info', text }),
  showWarningMessage: async (text: string) => void messages.push({ level: 'warning', text }),
  showErrorMessage: async (text: string) => void messages.push({ level: 'error', text }),
  showInputBox: async (opts: Record<string, unknown> = {}) => {
    inputBoxes.push(opts);
    return inputBoxAnswers.shift();
  },
  showQuickPick: async (items: readonly Record<string, unknown>[] | Promise<readonly Record<string, unknown>[]>) => {
    const choose = quickPickChoosers.shift();
    return choose ? choose(await items) : undefined;
  },
  withProgress: async <T>(_opts: unknown, task: (progress: { report(v: unknown): void }, token: { isCancellationRequested: boolean; onCancellationRequested(l: () => void): { dispose(): void } }) => Promise<T>) =>
    task({ report: noop }, { isCancellationRequested: false, onCancellationRequested: () => disposable }),
});

export const commands = stubNamespace('commands', {
  registerCommand: () => disposable,
  executeCommand: async (command: string, ...args: unknown[]) => void executed.push({ command, args }),
});

export const workspace = stubNamespace('workspace', {
  getConfiguration: (section = '') => ({
    get: <T>(key: string, dflt?: T): T | undefined => {
      const full = section ? `${section}.${key}` : key;
      return settings.has(full) ? (settings.get(full) as T) : dflt;
    },
    update: async (key: string, value: unknown) => void settings.set(section ? `${section}.${key}` : key, value),
  }),
  onDidChangeConfiguration: () => disposable,
  registerTextDocumentContentProvider: () => disposable,
  textDocuments: [],
});

export const languages = stubNamespace('languages', {});
export const tasks = stubNamespace('tasks', {});
export const debug = stubNamespace('debug', {});
export const DebugConfigurationProviderTriggerKind = { Initial: 1, Dynamic: 2 };
export const env = stubNamespace('env', {});

export const Uri = {
  from: (c: { scheme: string; path: string; query?: string }) => ({ ...c, toString: () => `${c.scheme}:${c.path}${c.query ? `?${c.query}` : ''}` }),
  parse: (s: string) => ({ toString: () => s }),
  file: (p: string) => ({ scheme: 'file', fsPath: p, path: p, toString: () => `file://${p}` }),
  joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/') }),
};

let installed = false;

/** Makes `require('vscode')` (and `import ... from 'vscode'` compiled to CommonJS) load this module. */
export function installFakeVscode(): void {
  if (installed) return;
  installed = true;
  // This very file, whether tsx runs it from source or a benchmark bundled it.
  const self = __filename;
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]): string {
    if (request === 'vscode') return self;
    return original.call(this, request, ...rest);
  };
}
