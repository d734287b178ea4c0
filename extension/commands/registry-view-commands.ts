// The Registries view's commands: connect a registry by URL, add a repository by name (where the
// registry lists none), refresh, load the next page, and on a tag: pull it (through the engine), copy
// its reference or digest, inspect its manifest, delete it.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { checkRegistryAddress } from '../registry/registry-names.js';
import { tagReference, type RegistryNode } from '../views/registries-view.js';
import type { Handler } from './command-context.js';

const nodeOf = <K extends RegistryNode['kind']>(arg: unknown, kind: K): Extract<RegistryNode, { kind: K }> | undefined =>
  arg && typeof arg === 'object' && (arg as RegistryNode).kind === kind ? (arg as Extract<RegistryNode, { kind: K }>) : undefined;

export const connectRegistry = (ctx: Ctx): Handler => async () => {
  const address = await vscode.window.showInputBox({
    title: 'Connect Registry',
    prompt: 'Registry URL or host: docker.io (Docker Hub), ghcr.io, 127.0.0.1:5000, https://registry.example.com',
    validateInput: checkRegistryAddress,
    ignoreFocusOut: true,
  });
  if (!address) return;
  const registry = await ctx.registries.connect(address);
  await vscode.commands.executeCommand('berth.registries.focus');
  if (!(await ctx.registryCredentials.forRegistry(registry))) {
    const picked = await vscode.window.showInformationMessage(`Connected ${registry}, browsing anonymously. Log in to see private repositories.`, 'Log In');
    if (picked === 'Log In') await vscode.commands.executeCommand('berth.registry.logIn', registry);
    ctx.registries.refresh();
  }
};

export const disconnectRegistry = (ctx: Ctx): Handler => async (arg) => {
  const node = nodeOf(arg, 'registry');
  if (!node) return;
  await ctx.registries.disconnect(node.registry);
  if (node.username) {
    const picked = await vscode.window.showInformationMessage(`${node.registry} stays in the view while Berth knows a login for it (${node.username}).`, 'Log Out');
    if (picked === 'Log Out') await vscode.commands.executeCommand('berth.registry.logOut', node.registry);
  }
};

export const addRepository = (ctx: Ctx): Handler => async (arg) => {
  const node = nodeOf(arg, 'registry');
  if (!node) return;
  const repository = await vscode.window.showInputBox({
    title: `Add Repository on ${node.registry}`,
    prompt: 'Repository name, such as owner/app (Docker Hub official images: library/busybox)',
    validateInput: (v) => (/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(v.trim()) ? undefined : 'Lower-case path components separated by /, such as owner/app.'),
    ignoreFocusOut: true,
  });
  if (repository) await ctx.registries.addRepository(node.registry, repository.trim());
};

export const refreshRegistries = (ctx: Ctx): Handler => (arg) => {
  const node = arg && typeof arg === 'object' && 'kind' in arg ? (arg as RegistryNode) : undefined;
  ctx.registries.refresh(node);
};

export const loadMore = (ctx: Ctx): Handler => async (arg) => {
  if (arg && typeof arg === 'object') await ctx.registries.loadMore(arg as RegistryNode);
};

export const pullTag = (): Handler => async (arg) => {
  const node = nodeOf(arg, 'tag');
  if (!node) return;
  await vscode.commands.executeCommand('berth.images.pull', tagReference(node.registry, node.repository, node.tag));
};

export const copyReference = (): Handler => async (arg) => {
  const node = nodeOf(arg, 'tag');
  if (!node) return;
  const ref = tagReference(node.registry, node.repository, node.tag);
  await vscode.env.clipboard.writeText(ref);
  void vscode.window.showInformationMessage(`Copied ${ref}`);
};

export const copyDigest = (): Handler => async (arg) => {
  const node = nodeOf(arg, 'tag');
  if (!node?.details?.digest) return;
  const ref = `${tagReference(node.registry, node.repository, node.tag).replace(/:[^:/]+$/, '')}@${node.details.digest}`;
  await vscode.env.clipboard.writeText(ref);
  void vscode.window.showInformationMessage(`Copied ${ref}`);
};

export const inspectManifest = (): Handler => async (arg) => {
  const node = nodeOf(arg, 'tag');
  if (!node?.details) return;
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(node.details.manifest, null, 2) });
  await vscode.window.showTextDocument(doc, { preview: true });
};

export const deleteTag = (ctx: Ctx): Handler => async (arg) => {
  const node = nodeOf(arg, 'tag');
  if (!node?.details?.digest) return;
  const ref = tagReference(node.registry, node.repository, node.tag);
  const ok = await vscode.window.showWarningMessage(
    `Delete ${ref} from ${node.registry}? The registry deletes the manifest ${node.details.digest.slice(0, 19)}..., and with it every tag that points at it.`,
    { modal: true }, 'Delete',
  );
  if (ok !== 'Delete') return;
  try {
    await ctx.registries.client(node.registry).deleteManifest(node.repository, node.details.digest);
    void vscode.window.showInformationMessage(`Deleted ${ref}.`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not delete ${ref}: ${(err as Error).message}`);
  }
  ctx.registries.refresh({ kind: 'repository', registry: node.registry, repository: node.repository });
};
