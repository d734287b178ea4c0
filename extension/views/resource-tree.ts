// The shared shape of the Containers, Images, Volumes and Networks trees: one list call per refresh,
// nodes built once per list, getChildren answering from that cache. Nothing talks to the engine until
// VS Code asks for the children of a visible view.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import { engineErrorMessage } from '../errors.js';
import type { ResourceRef, ViewNode } from './view-node.js';

export abstract class ResourceTreeProvider<Raw> implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private raw: Raw[] | undefined;
  private roots: ViewNode[] | undefined;
  private loading: Promise<Raw[]> | undefined;
  /** Bumped by every refresh so a list call that was overtaken does not overwrite newer data. */
  private generation = 0;

  constructor(private readonly client: () => Dockerode | undefined) {}

  /** The one engine call a refresh makes. */
  protected abstract list(docker: Dockerode): Promise<Raw[]>;
  /** Raw API entries to the top-level nodes (pure functions in the *-nodes.ts modules). */
  protected abstract build(raw: Raw[]): ViewNode[];
  /** What the list call is, for error text: "list containers". */
  protected abstract readonly what: string;

  /** Re-list from the engine (after events), or just re-render one node. */
  refresh(node?: ViewNode): void {
    if (!node) {
      this.generation++;
      this.raw = undefined;
      this.roots = undefined;
      this.loading = undefined;
    }
    this.changed.fire(node);
  }

  /** The last list from the engine, if the view has one (no request is made). */
  cached(): readonly Raw[] | undefined {
    return this.raw;
  }

  /** The nodes built from the last list, if built (no request is made). */
  protected builtNodes(): readonly ViewNode[] | undefined {
    return this.roots;
  }

  /** Rebuild the nodes from the last list without asking the engine (a display setting changed). */
  rebuild(): void {
    this.roots = undefined;
    this.changed.fire(undefined);
  }

  async getChildren(node?: ViewNode): Promise<ViewNode[]> {
    if (node) return node.children ?? [];
    if (this.roots) return this.roots;
    const docker = this.client();
    // No engine: the view stays empty and its welcome content says why.
    if (!docker) return [];
    try {
      const raw = await this.load(docker);
      this.roots ??= this.build(raw);
      return this.roots;
    } catch (err) {
      return [errorNode(`Could not ${this.what}`, engineErrorMessage(err, this.what))];
    }
  }

  /** Every resource in the view, for commands run from the palette that ask which one. */
  async resources(): Promise<ViewNode[]> {
    const roots = await this.getChildren();
    return roots.flatMap((n) => (n.children ? n.children : [n])).filter((n) => n.resource);
  }

  getTreeItem(node: ViewNode): vscode.TreeItem {
    const state = node.children
      ? node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    if (node.ariaLabel) item.accessibilityInformation = { label: node.ariaLabel };
    return item;
  }

  /** Tooltips are built on hover only: a 1,000-image tree should not build 1,000 markdown strings. */
  resolveTreeItem(item: vscode.TreeItem, node: ViewNode): vscode.TreeItem {
    const md = new vscode.MarkdownString(node.tooltip());
    md.supportThemeIcons = true;
    item.tooltip = md;
    return item;
  }

  private load(docker: Dockerode): Promise<Raw[]> {
    if (this.raw) return Promise.resolve(this.raw);
    if (!this.loading) {
      const gen = this.generation;
      const p = this.list(docker).then(
        (raw) => {
          if (gen === this.generation) this.raw = raw;
          return raw;
        },
        (err: unknown) => {
          if (this.loading === p) this.loading = undefined;
          throw err;
        },
      );
      this.loading = p;
    }
    return this.loading;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function errorNode(label: string, message: string): ViewNode {
  return { id: `error:${label}`, label, description: message, icon: 'error', iconColor: 'errorForeground', contextValue: 'error', tooltip: () => message };
}

export type { ResourceRef, ViewNode };
