// Every command in one table, registered as `berth.<name>`. Commands that need the engine get an
// EngineCtx (a connected client, checked once here) and otherwise run their disabled variant, which by
// default says the engine is not connected and offers the way to it.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { userMessage } from '../errors.js';
import { attachShell } from './attach-shell.js';
import { buildImage, buildImageWithOptions } from './build-image.js';
import { commitContainer } from './commit-container.js';
import type { EngineCtx, Handler } from './command-context.js';
import { composeDown } from './compose-down.js';
import { composeLogs } from './compose-logs.js';
import { composeRestart } from './compose-restart.js';
import { composeUp, composeUpSelect } from './compose-up.js';
import { browseFiles, deletePath, downloadFile, newFile, newFolder, refreshFiles, renamePath, uploadFiles } from './container-files.js';
import { copyId } from './copy-id.js';
import { clearFilter, filterView } from './filter-view.js';
import { showImageHistory } from './image-history.js';
import { inspect } from './inspect.js';
import { openInBrowser } from './open-in-browser.js';
import { logInToRegistry } from './log-in-registry.js';
import { logOutOfRegistry } from './log-out-registry.js';
import { prune } from './prune.js';
import { pullImage } from './pull-image.js';
import { pushImage } from './push-image.js';
import {
  addRepository, connectRegistry, copyDigest, copyReference, deleteTag, disconnectRegistry, inspectManifest, loadMore, pullTag, refreshRegistries,
} from './registry-view-commands.js';
import { removeContainer } from './remove-container.js';
import { removeImage } from './remove-image.js';
import { removeNetwork } from './remove-network.js';
import { removeVolume } from './remove-volume.js';
import { restartContainer } from './restart-container.js';
import { runImage, runImageInteractive } from './run-image.js';
import { runImageWithOptions } from './run-with-options.js';
import { showStats } from './show-stats.js';
import { startContainer } from './start-container.js';
import { stopContainer } from './stop-container.js';
import { tagImage } from './tag-image.js';
import { viewLogs } from './view-logs.js';
import { addDockerFiles } from '../scaffold/add-docker-files.js';
import { groupContainersBy, refreshView, showDangling } from './view-options.js';

type CommandSpec =
  /** Works with or without an engine. */
  | { always: (ctx: Ctx) => Handler }
  /** Needs a connected engine; `disabled` runs otherwise. */
  | { enabled: (e: EngineCtx) => Handler; disabled?: (ctx: Ctx) => Handler };

export const COMMANDS: Record<string, CommandSpec> = {
  'engine.refresh': {
    always: (ctx) => async () => {
      if (ctx.engine) await ctx.engine.refresh();
      else await ctx.start();
      ctx.views.refreshAll();
    },
  },
  'engine.showLog': { always: (ctx) => () => ctx.engineLog.show(true) },
  'engine.restart': {
    always: (ctx) => async () => {
      if (ctx.engine?.target.kind !== 'bundled') {
        void vscode.window.showInformationMessage("Berth is not using its bundled engine (setting berth.engine), so there is nothing of Berth's to restart.");
        return;
      }
      await ctx.engine.restartBundled();
    },
  },
  showBuildLog: { always: (ctx) => () => ctx.buildLog.show() },

  'containers.refresh': { always: refreshView('container') },
  'containers.start': { enabled: startContainer },
  'containers.stop': { enabled: stopContainer },
  'containers.restart': { enabled: restartContainer },
  'containers.remove': { enabled: removeContainer },
  'containers.viewLogs': { enabled: viewLogs },
  'containers.showStats': { enabled: showStats },
  'containers.browseFiles': { enabled: browseFiles },
  'containerFiles.download': { always: downloadFile },
  'containerFiles.refresh': { always: refreshFiles },
  'containerFiles.upload': { always: uploadFiles },
  'containerFiles.newFile': { always: newFile },
  'containerFiles.newFolder': { always: newFolder },
  'containerFiles.rename': { always: renamePath },
  'containerFiles.delete': { always: deletePath },
  'containers.attachShell': { enabled: attachShell },
  'containers.inspect': { enabled: inspect('container') },
  'containers.openInBrowser': { enabled: openInBrowser },
  'containers.copyId': { enabled: copyId },
  'containers.commit': { enabled: commitContainer },
  'containers.prune': { enabled: prune('containers') },
  'containers.groupBy': { always: groupContainersBy },
  'containers.filter': { always: filterView('container') },
  'containers.clearFilter': { always: clearFilter('container') },

  'images.refresh': { always: refreshView('image') },
  'images.build': { enabled: buildImage },
  'images.buildWithOptions': { enabled: buildImageWithOptions },
  'images.run': { enabled: runImage },
  'images.runInteractive': { enabled: runImageInteractive },
  'images.runWithOptions': { enabled: runImageWithOptions },
  'images.pull': { enabled: pullImage },
  'images.tag': { enabled: tagImage },
  'images.push': { enabled: pushImage },
  'images.remove': { enabled: removeImage },
  'images.inspect': { enabled: inspect('image') },
  'images.history': { enabled: showImageHistory },
  'images.copyId': { enabled: copyId },
  'images.prune': { enabled: prune('images') },
  'images.filter': { always: filterView('image') },
  'images.clearFilter': { always: clearFilter('image') },
  'images.showDangling': { always: showDangling(true) },
  'images.hideDangling': { always: showDangling(false) },

  'registry.logIn': { enabled: logInToRegistry },
  'registry.logOut': { always: logOutOfRegistry },

  'registries.connect': { always: connectRegistry },
  'registries.disconnect': { always: disconnectRegistry },
  'registries.addRepository': { always: addRepository },
  'registries.refresh': { always: refreshRegistries },
  'registries.loadMore': { always: loadMore },
  'registries.pullTag': { enabled: pullTag },
  'registries.copyReference': { always: copyReference },
  'registries.copyDigest': { always: copyDigest },
  'registries.inspectManifest': { always: inspectManifest },
  'registries.deleteTag': { always: deleteTag },

  'volumes.refresh': { always: refreshView('volume') },
  'volumes.inspect': { enabled: inspect('volume') },
  'volumes.remove': { enabled: removeVolume },
  'volumes.prune': { enabled: prune('volumes') },

  'networks.refresh': { always: refreshView('network') },
  'networks.inspect': { enabled: inspect('network') },
  'networks.remove': { enabled: removeNetwork },
  'networks.prune': { enabled: prune('networks') },

  'compose.up': { enabled: composeUp },
  'compose.upSelect': { enabled: composeUpSelect },
  'compose.down': { enabled: composeDown },
  'compose.restart': { enabled: composeRestart },
  'compose.logs': { enabled: composeLogs },

  prune: { enabled: prune() },

  addDockerFiles: { always: (ctx) => () => addDockerFiles(ctx) },
};

/** The default disabled variant: say why nothing happens, and offer the way to a connected engine. */
const notConnected = (ctx: Ctx): Handler => async () => {
  const s = ctx.engine?.status;
  const why = s?.state === 'unreachable' ? s.reason : s?.state === 'starting' ? `still connecting to ${s.address}` : 'no engine is connected';
  const picked = await vscode.window.showWarningMessage(`Berth is not connected to a container engine (${why.replace(/\.$/, '')}).`, 'Show Engine', 'Retry');
  if (picked === 'Show Engine') await vscode.commands.executeCommand('berth.engine.focus');
  if (picked === 'Retry') await vscode.commands.executeCommand('berth.engine.refresh');
};

function handlerFor(ctx: Ctx, spec: CommandSpec): Handler {
  if ('always' in spec) return spec.always(ctx);
  return (...args) => {
    const connection = ctx.engine;
    const docker = connection?.client;
    if (connection && docker) return spec.enabled({ ctx, docker, connection })(...args);
    return (spec.disabled ?? notConnected)(ctx)(...args);
  };
}

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([name, spec]) =>
    vscode.commands.registerCommand(`berth.${name}`, async (...args: unknown[]) => {
      try {
        return await handlerFor(ctx, spec)(...args);
      } catch (err) {
        // Commands report their own engine errors; this catches what slipped through.
        void vscode.window.showErrorMessage(userMessage(err, `run berth.${name}`));
        return undefined;
      }
    }),
  );
}
