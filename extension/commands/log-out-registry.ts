// Log Out of Registry: forget a login Berth or the docker config holds (the docker config's through its
// credential helper when it names one, as `docker logout` does).
import * as vscode from 'vscode';
import { normalizeRegistry } from '../registry/registry-names.js';
import type { Ctx } from '../ctx.js';
import type { Handler } from './command-context.js';

export const logOutOfRegistry = (ctx: Ctx): Handler => async (...args) => {
  const creds = ctx.registryCredentials;
  const known = await creds.known();
  const given = typeof args[0] === 'string' ? normalizeRegistry(args[0]) : undefined;
  const matching = given ? known.filter((k) => k.registry === given) : known;
  if (!matching.length) {
    void vscode.window.showInformationMessage(given ? `Berth has no login for ${given}.` : 'Berth knows no registry login (neither its own nor in the docker config).');
    return;
  }
  const where = (s: string): string => (s === 'berth' ? 'Berth (VS Code secret storage)' : `docker config (${creds.dockerConfig.file})`);
  const picked =
    matching.length === 1
      ? matching[0]
      : (
          await vscode.window.showQuickPick(
            matching.map((k) => ({ label: k.registry, description: `${k.username ? `${k.username} · ` : ''}${where(k.source)}`, login: k })),
            { placeHolder: 'Registry to log out of' },
          )
        )?.login;
  if (!picked) return;
  try {
    if (picked.source === 'berth') await creds.berth.erase(picked.registry);
    else await creds.dockerConfig.erase(picked.registry);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not log out of ${picked.registry}: ${(err as Error).message}`);
    return;
  }
  ctx.registries.refresh();
  void vscode.window.showInformationMessage(`Logged out of ${picked.registry} (${where(picked.source)}).`);
};
