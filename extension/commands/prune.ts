// Prune containers, images, volumes, networks, or all of them; always after a modal confirmation.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import type { ResourceKind } from '../engine/resource-events.js';
import { PRUNE_DESCRIPTIONS, pruneSummary, type PruneReply, type PruneScope } from '../engine/prune-summary.js';
import { showEngineError, type EngineCtx, type Handler } from './command-context.js';

const ORDER: PruneScope[] = ['containers', 'images', 'networks', 'volumes'];
const KIND: Record<PruneScope, ResourceKind> = { containers: 'container', images: 'image', volumes: 'volume', networks: 'network' };

function pruneOne(docker: Dockerode, scope: PruneScope): Promise<PruneReply> {
  switch (scope) {
    case 'containers':
      return docker.pruneContainers() as Promise<PruneReply>;
    case 'images':
      return docker.pruneImages({ filters: { dangling: { true: true } } }) as Promise<PruneReply>;
    case 'volumes':
      return docker.pruneVolumes() as Promise<PruneReply>;
    case 'networks':
      return docker.pruneNetworks() as Promise<PruneReply>;
  }
}

export const prune = (fixed?: PruneScope | 'all') => (e: EngineCtx): Handler => async () => {
  let choice = fixed;
  if (!choice) {
    const picked = await vscode.window.showQuickPick(
      [
        ...ORDER.map((s) => ({ label: s[0].toUpperCase() + s.slice(1), description: PRUNE_DESCRIPTIONS[s], scope: s as PruneScope | 'all' })),
        { label: 'All', description: 'containers, dangling images, networks and volumes', scope: 'all' as const },
      ],
      { placeHolder: 'What to prune' },
    );
    choice = picked?.scope;
  }
  if (!choice) return;
  const scopes = choice === 'all' ? ORDER : [choice];
  const answer = await vscode.window.showWarningMessage(
    `Prune ${choice === 'all' ? 'everything unused' : choice}?`,
    { modal: true, detail: `This removes ${scopes.map((s) => PRUNE_DESCRIPTIONS[s]).join('; ')}. It cannot be undone.` },
    'Prune',
  );
  if (answer !== 'Prune') return;
  const results: { scope: PruneScope; reply: PruneReply }[] = [];
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Pruning' }, async (progress) => {
      // In order: containers first frees images, networks and volumes for the later steps.
      for (const scope of scopes) {
        progress.report({ message: scope });
        results.push({ scope, reply: await pruneOne(e.docker, scope) });
      }
    });
  } catch (err) {
    showEngineError(err, `prune ${scopes[results.length] ?? choice}`);
  } finally {
    e.ctx.views.refresh(scopes.map((s) => KIND[s]));
  }
  if (results.length) void vscode.window.showInformationMessage(pruneSummary(results));
};
