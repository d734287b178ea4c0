// Log In to Registry: registry, user name and password in input boxes, checked by the engine (POST /auth,
// which asks the registry), then kept in VS Code's SecretStorage or, if the user picks it, in the docker
// config as `docker login` keeps it. Pulls, pushes and builds send them from then on.
import * as vscode from 'vscode';
import { engineMessage } from '../errors.js';
import type { AuthConfig } from '../registry/auth-config.js';
import { checkRegistryAddress, configKeyOf, DOCKER_HUB, normalizeRegistry } from '../registry/registry-names.js';
import type { EngineCtx, Handler } from './command-context.js';

interface AuthResponse {
  Status?: string;
  IdentityToken?: string;
}

export const logInToRegistry = (e: EngineCtx): Handler => async (...args) => {
  const given = typeof args[0] === 'string' ? args[0] : undefined;
  const address =
    given ??
    (await vscode.window.showInputBox({
      title: 'Log In to Registry (1/3)',
      prompt: 'Registry host (docker.io for Docker Hub)',
      value: DOCKER_HUB,
      validateInput: checkRegistryAddress,
      ignoreFocusOut: true,
    }));
  if (!address) return;
  const registry = normalizeRegistry(address);
  const username = await vscode.window.showInputBox({
    title: `Log In to ${registry} (2/3)`,
    prompt: 'User name',
    validateInput: (v) => (v.trim() ? undefined : 'Enter the user name.'),
    ignoreFocusOut: true,
  });
  if (!username) return;
  const password = await vscode.window.showInputBox({
    title: `Log In to ${registry} (3/3)`,
    prompt: `Password or access token for ${username.trim()}`,
    password: true,
    validateInput: (v) => (v ? undefined : 'Enter the password or access token.'),
    ignoreFocusOut: true,
  });
  if (!password) return;

  const auth: AuthConfig = { username: username.trim(), password, serveraddress: configKeyOf(registry) };
  let answer: AuthResponse;
  try {
    answer = (await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Logging in to ${registry}` }, () =>
      e.docker.checkAuth(auth),
    )) as AuthResponse;
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not log in to ${registry}: ${engineMessage(err)}. Check the registry address, user name and password, then run "Berth: Log In to Registry" again.`);
    return;
  }
  // A registry may trade the password for an identity token; like the CLI, keep the token instead.
  const toKeep: AuthConfig = answer?.IdentityToken ? { username: auth.username, identitytoken: answer.IdentityToken } : auth;

  const config = e.ctx.registryCredentials.dockerConfig;
  const where = await vscode.window.showQuickPick(
    [
      { label: 'Berth (VS Code secret storage)', description: 'used by Berth only', id: 'berth' as const },
      { label: 'Docker config', description: config.storeDescription(registry), detail: 'shared with the docker CLI and other tools', id: 'docker-config' as const },
    ],
    { title: `Logged in to ${registry}: where should Berth keep the credentials?`, placeHolder: 'Where to keep the credentials', ignoreFocusOut: true },
  );
  if (!where) return;
  try {
    if (where.id === 'berth') await e.ctx.registryCredentials.berth.store(registry, toKeep);
    else await config.store(registry, toKeep);
  } catch (err) {
    void vscode.window.showErrorMessage(`Logged in to ${registry}, but could not save the credentials: ${(err as Error).message}`);
    return;
  }
  e.ctx.registries.refresh();
  void vscode.window.showInformationMessage(`Logged in to ${registry} as ${auth.username}.`);
};
