// What a command handler gets, and the helpers every verb shares: which resources it acts on
// (the tree selection, or a pick from the palette) and reporting failures through errors.ts.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import type { EngineConnection } from '../engine/engine-connection.js';
import type { ResourceKind } from '../engine/resource-events.js';
import { userMessage } from '../errors.js';
import { resourcesOf, type ResourceRef, type ViewNode } from '../views/view-node.js';

/** A context whose engine is connected: commands that need the engine get this, so they cannot forget to check. */
export interface EngineCtx {
  ctx: Ctx;
  docker: Dockerode;
  connection: EngineConnection;
}

export type Handler = (...args: unknown[]) => unknown;

function isViewNode(x: unknown): x is ViewNode {
  return typeof x === 'object' && x !== null && typeof (x as ViewNode).id === 'string' && typeof (x as ViewNode).contextValue === 'string';
}

/** Tree context menus pass (clicked node, all selected nodes); the palette passes nothing. */
export function selectedNodes(args: readonly unknown[]): ViewNode[] {
  const [first, all] = args;
  if (Array.isArray(all) && all.some(isViewNode)) return all.filter(isViewNode);
  return isViewNode(first) ? [first] : [];
}

export interface PickOptions<R extends ResourceRef> {
  placeHolder: string;
  many?: boolean;
  filter?: (r: R) => boolean;
}

/**
 * The resources of one kind a command acts on: the nodes it was invoked on, else the view's selection
 * when the view has focus, else a quick pick over the view's resources.
 */
export async function targets<K extends ResourceKind>(
  e: EngineCtx,
  kind: K,
  args: readonly unknown[],
  opts: PickOptions<Extract<ResourceRef, { kind: K }>>,
): Promise<Extract<ResourceRef, { kind: K }>[]> {
  const given = resourcesOf(selectedNodes(args), kind);
  if (given.length) return opts.filter ? given.filter(opts.filter) : given;
  const nodes = await e.ctx.views.provider(kind).resources();
  const all = resourcesOf(nodes, kind).filter((r) => !opts.filter || opts.filter(r));
  if (!all.length) {
    void vscode.window.showInformationMessage(`There is no ${kind} to choose from. ${opts.placeHolder}`);
    return [];
  }
  const byKey = new Map(nodes.filter((n) => n.resource).map((n) => [n.resource, n]));
  const items = all.map((r) => {
    const n = byKey.get(r);
    return { label: labelOf(r), description: n?.description, resource: r };
  });
  if (opts.many) {
    const picked = await vscode.window.showQuickPick(items, { placeHolder: opts.placeHolder, canPickMany: true, matchOnDescription: true });
    return (picked ?? []).map((p) => p.resource);
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: opts.placeHolder, matchOnDescription: true });
  return picked ? [picked.resource] : [];
}

export function labelOf(r: ResourceRef): string {
  switch (r.kind) {
    case 'container':
      return r.name;
    case 'image':
      return r.ref ?? r.id.replace(/^sha256:/, '').slice(0, 12);
    case 'volume':
      return r.name;
    case 'network':
      return r.name;
  }
}

/**
 * Runs one action per resource in parallel, and reports every failure in one message: acting on ten
 * selected containers should not raise ten notifications.
 */
export async function forEachResource<R extends ResourceRef>(
  resources: readonly R[],
  doing: (r: R) => string,
  act: (r: R) => Promise<unknown>,
): Promise<R[]> {
  const results = await Promise.allSettled(resources.map((r) => act(r)));
  const failures: string[] = [];
  const done: R[] = [];
  results.forEach((res, i) => {
    if (res.status === 'rejected') failures.push(userMessage(res.reason, doing(resources[i])));
    else done.push(resources[i]);
  });
  if (failures.length === 1) void vscode.window.showErrorMessage(failures[0]);
  else if (failures.length > 1) void vscode.window.showErrorMessage(`${failures.length} of ${resources.length} failed. ${failures.join(' ')}`);
  return done;
}

export function showEngineError(err: unknown, doing: string): void {
  void vscode.window.showErrorMessage(userMessage(err, doing));
}
