// The Registries view: the registries the user connected (by URL, kept in global state) and those
// Berth has credentials for (its own logins and the docker CLI's); under each its repositories (the
// catalog, paged; on Docker Hub and ghcr.io, which have none for users, the login's own repositories from
// their web APIs; plus repositories added by name), under each repository
// its tags with digest, size and age, 100 at a time with a "more" row. Browsing talks to the registry
// itself (registry-client.ts); pulling a tag goes through the engine like any pull.
import * as vscode from 'vscode';
import { listsNamespaces, NamespaceLister } from '../registry/namespace-listing.js';
import { RegistryClient, RegistryError, type Page, type TagDetails } from '../registry/registry-client.js';
import type { RegistryCredentials } from '../registry/registry-credentials.js';
import { DOCKER_HUB, normalizeRegistry } from '../registry/registry-names.js';
import { age, humanSize } from './format.js';

export type RegistryNode =
  | { kind: 'registry'; registry: string; connected: boolean; loginSource?: string; username?: string }
  | { kind: 'repository'; registry: string; repository: string }
  | { kind: 'tag'; registry: string; repository: string; tag: string; details?: TagDetails; detailsError?: string }
  | { kind: 'more'; parent: RegistryNode & { kind: 'registry' | 'repository' } }
  | { kind: 'message'; text: string; tooltip?: string; error?: boolean };

const CONNECTED_KEY = 'berth.registries.connected';
const ADDED_REPOS_KEY = 'berth.registries.repositories';
const PAGE = 100;
const DETAIL_CONCURRENCY = 6;

interface Listing<T> {
  items: T[];
  next?: string;
  error?: string;
}

/** `docker.io` + `library/busybox` + `1` → `busybox:1`; other registries keep their host. */
export function tagReference(registry: string, repository: string, tag: string): string {
  if (registry === DOCKER_HUB) return `${repository.replace(/^library\//, '')}:${tag}`;
  return `${registry}/${repository}:${tag}`;
}

export class RegistriesProvider implements vscode.TreeDataProvider<RegistryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RegistryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly clients = new Map<string, RegistryClient>();
  /** Pages loaded so far, per registry (repositories) and per repository (tags). */
  private readonly listings = new Map<string, Listing<string>>();
  private readonly details = new Map<string, TagDetails | string>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly credentials: RegistryCredentials,
    private readonly now: () => number = Date.now,
    /** The user's own repositories on Docker Hub and ghcr.io (their web APIs; injectable for tests). */
    private readonly namespaces = new NamespaceLister(),
  ) {}

  connected(): string[] {
    return this.state.get<string[]>(CONNECTED_KEY) ?? [];
  }

  async connect(address: string): Promise<string> {
    const registry = normalizeRegistry(address);
    const list = this.connected();
    if (!list.includes(registry)) await this.state.update(CONNECTED_KEY, [...list, registry]);
    this.refresh();
    return registry;
  }

  async disconnect(registry: string): Promise<void> {
    await this.state.update(CONNECTED_KEY, this.connected().filter((r) => r !== registry));
    const added = { ...(this.state.get<Record<string, string[]>>(ADDED_REPOS_KEY) ?? {}) };
    delete added[registry];
    await this.state.update(ADDED_REPOS_KEY, added);
    this.clients.delete(registry);
    this.refresh();
  }

  async addRepository(registry: string, repository: string): Promise<void> {
    const added = { ...(this.state.get<Record<string, string[]>>(ADDED_REPOS_KEY) ?? {}) };
    added[registry] = [...new Set([...(added[registry] ?? []), repository])];
    await this.state.update(ADDED_REPOS_KEY, added);
    this.refresh();
  }

  /** Forget what was loaded (everything, or one node's pages) and ask VS Code to render again. */
  refresh(node?: RegistryNode): void {
    if (!node) {
      this.listings.clear();
      this.details.clear();
      this.clients.clear();
    } else if (node.kind === 'registry') {
      for (const k of [...this.listings.keys()]) if (k === node.registry || k.startsWith(`${node.registry}/`)) this.listings.delete(k);
      this.clients.delete(node.registry);
    } else if (node.kind === 'repository') {
      this.listings.delete(`${node.registry}/${node.repository}`);
    }
    // Nodes are rebuilt on every getChildren, so the whole tree re-renders (from the cache, keeping expansion by id).
    this.changed.fire(undefined);
  }

  client(registry: string): RegistryClient {
    let c = this.clients.get(registry);
    if (!c) {
      c = new RegistryClient(registry, () => this.credentials.forRegistry(registry));
      this.clients.set(registry, c);
    }
    return c;
  }

  /** The "more" row was clicked: the next page of its parent. */
  async loadMore(node: RegistryNode): Promise<void> {
    if (node.kind !== 'more') return;
    const p = node.parent;
    const key = p.kind === 'registry' ? p.registry : `${p.registry}/${p.repository}`;
    const listing = this.listings.get(key);
    if (!listing?.next) return;
    try {
      const page = p.kind === 'registry' ? await this.repositoryPage(p.registry, listing.next) : await this.client(p.registry).tags(p.repository, listing.next, PAGE);
      this.listings.set(key, { items: [...listing.items, ...page.items], next: page.next });
    } catch (err) {
      this.listings.set(key, { ...listing, next: undefined, error: (err as Error).message });
    }
    this.changed.fire(undefined);
  }

  async getChildren(node?: RegistryNode): Promise<RegistryNode[]> {
    if (!node) return this.registries();
    if (node.kind === 'registry') return this.repositories(node);
    if (node.kind === 'repository') return this.tags(node);
    return [];
  }

  private async registries(): Promise<RegistryNode[]> {
    const byHost = new Map<string, RegistryNode & { kind: 'registry' }>();
    for (const r of this.connected()) byHost.set(r, { kind: 'registry', registry: r, connected: true });
    for (const login of await this.credentials.known().catch(() => [])) {
      const had = byHost.get(login.registry);
      if (had?.loginSource) continue;
      byHost.set(login.registry, { kind: 'registry', registry: login.registry, connected: had?.connected ?? false, loginSource: login.source, username: login.username });
    }
    return [...byHost.values()].sort((a, b) => a.registry.localeCompare(b.registry));
  }

  private async repositories(node: RegistryNode & { kind: 'registry' }): Promise<RegistryNode[]> {
    const added = (this.state.get<Record<string, string[]>>(ADDED_REPOS_KEY) ?? {})[node.registry] ?? [];
    let listing = this.listings.get(node.registry);
    if (!listing) {
      try {
        const page = await this.repositoryPage(node.registry);
        listing = { items: page.items, next: page.next };
      } catch (err) {
        const status = err instanceof RegistryError ? err.status : undefined;
        if (listsNamespaces(node.registry)) {
          listing = { items: [], error: `${(err as Error).message}${/Add Repository/.test((err as Error).message) ? '' : ' Repositories can also be added by name (Add Repository...).'}` };
        } else {
          // Most registries other than distribution's offer no catalog (404, or 401/403 for the catalog scope alone).
          const noCatalog = status === 404 || ((status === 401 || status === 403) && !!node.username);
          listing = { items: [], error: noCatalog ? `${node.registry} does not list its repositories; add one by name (Add Repository... on this registry).` : (err as Error).message };
        }
      }
      this.listings.set(node.registry, listing);
    }
    const repos = [...new Set([...listing.items, ...added])].sort();
    const out: RegistryNode[] = repos.map((repository) => ({ kind: 'repository', registry: node.registry, repository }));
    if (listing.next) out.push({ kind: 'more', parent: node });
    if (listing.error) out.unshift({ kind: 'message', text: listing.error, error: !/does not list|needs a login/.test(listing.error) });
    else if (!repos.length) out.push({ kind: 'message', text: 'No repositories.' });
    return out;
  }

  /** The catalog, or on Docker Hub and ghcr.io the user's own repositories (those have no catalog). */
  private async repositoryPage(registry: string, next?: string): Promise<Page<string>> {
    if (listsNamespaces(registry)) return this.namespaces.repositories(registry, await this.credentials.forRegistry(registry), next);
    return this.client(registry).repositories(next, PAGE);
  }

  private async tags(node: RegistryNode & { kind: 'repository' }): Promise<RegistryNode[]> {
    const key = `${node.registry}/${node.repository}`;
    let listing = this.listings.get(key);
    if (!listing) {
      try {
        const page = await this.client(node.registry).tags(node.repository, undefined, PAGE);
        listing = { items: page.items, next: page.next };
      } catch (err) {
        listing = { items: [], error: (err as Error).message };
      }
      this.listings.set(key, listing);
    }
    await this.loadDetails(node, listing.items);
    const out: RegistryNode[] = listing.items.map((tag) => {
      const d = this.details.get(`${key}:${tag}`);
      return { kind: 'tag', registry: node.registry, repository: node.repository, tag, details: typeof d === 'object' ? d : undefined, detailsError: typeof d === 'string' ? d : undefined };
    });
    if (listing.next) out.push({ kind: 'more', parent: node });
    if (listing.error) out.unshift({ kind: 'message', text: listing.error, error: true });
    else if (!out.length) out.push({ kind: 'message', text: 'No tags.' });
    return out;
  }

  /** Digest, size and age of the tags not yet looked at, a few requests at a time. */
  private async loadDetails(node: RegistryNode & { kind: 'repository' }, tags: string[]): Promise<void> {
    const key = `${node.registry}/${node.repository}`;
    const todo = tags.filter((t) => !this.details.has(`${key}:${t}`));
    const client = this.client(node.registry);
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < todo.length) {
        const tag = todo[i++];
        try {
          this.details.set(`${key}:${tag}`, await client.tagDetails(node.repository, tag));
        } catch (err) {
          this.details.set(`${key}:${tag}`, (err as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DETAIL_CONCURRENCY, todo.length) }, worker));
  }

  getTreeItem(node: RegistryNode): vscode.TreeItem {
    switch (node.kind) {
      case 'registry': {
        const item = new vscode.TreeItem(node.registry, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `registry:${node.registry}`;
        item.description = node.username ? `${node.username}${node.loginSource === 'berth' ? '' : ' (docker config)'}` : 'anonymous';
        item.iconPath = new vscode.ThemeIcon(node.registry === DOCKER_HUB ? 'cloud' : 'database');
        item.contextValue = node.connected ? 'registry.connected' : 'registry.login';
        item.tooltip = `${node.registry}${node.username ? `\nLogged in as ${node.username} (${node.loginSource === 'berth' ? "Berth's secret storage" : 'docker config'})` : '\nNo login: browsing anonymously'}`;
        return item;
      }
      case 'repository': {
        const item = new vscode.TreeItem(node.repository, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `registry:${node.registry}/${node.repository}`;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.contextValue = 'registryRepository';
        return item;
      }
      case 'tag': {
        const item = new vscode.TreeItem(node.tag, vscode.TreeItemCollapsibleState.None);
        item.id = `registry:${node.registry}/${node.repository}:${node.tag}`;
        const d = node.details;
        const parts: string[] = [];
        if (d?.digest) parts.push(d.digest.replace(/^sha256:/, '').slice(0, 12));
        if (d?.platforms?.length) parts.push(d.platforms.join(', '));
        if (d?.size !== undefined) parts.push(humanSize(d.size));
        if (d?.created) parts.push(age(Date.parse(d.created) / 1000, this.now()));
        item.description = node.detailsError ? `(${node.detailsError})` : parts.join('  ');
        item.iconPath = new vscode.ThemeIcon('tag');
        item.contextValue = d?.digest ? 'registryTag.digest' : 'registryTag';
        item.tooltip = `${tagReference(node.registry, node.repository, node.tag)}${d?.digest ? `\n${d.digest}` : ''}${d?.mediaType ? `\n${d.mediaType}` : ''}`;
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(node.parent.kind === 'registry' ? 'Load more repositories...' : 'Load more tags...', vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'berth.registries.loadMore', title: 'Load More', arguments: [node] };
        item.contextValue = 'registryMore';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'warning' : 'info');
        item.tooltip = node.tooltip ?? node.text;
        item.contextValue = 'registryMessage';
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
