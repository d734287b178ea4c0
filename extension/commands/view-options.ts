// Display toggles of the views: Compose grouping and dangling images; both are settings, so they persist.
import * as vscode from 'vscode';
import { setShowDanglingImages } from '../config.js';
import type { Ctx } from '../ctx.js';
import type { ResourceKind } from '../engine/resource-events.js';
import type { Handler } from './command-context.js';

export const showDangling = (show: boolean) => (): Handler => () => setShowDanglingImages(show);

export const groupContainersBy = (): Handler => async () => {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Compose Project', description: 'label com.docker.compose.project', value: 'composeProject' },
      { label: 'None', description: 'one flat list', value: 'none' },
    ],
    { placeHolder: 'Group containers by' },
  );
  if (picked) await vscode.workspace.getConfiguration('berth').update('containers.groupBy', picked.value, vscode.ConfigurationTarget.Global);
};

export const refreshView = (kind: ResourceKind) => (ctx: Ctx): Handler => () => ctx.views.refresh([kind]);
