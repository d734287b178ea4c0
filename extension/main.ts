// Extension entry: build the context, register commands, connect to the engine without blocking activation.
import * as vscode from 'vscode';
import { registerCommands } from './commands/index.js';
import { registerBuildTasks } from './image-build/build-task.js';
import { registerComposeTasks } from './compose/compose-task.js';
import { Ctx } from './ctx.js';
import { registerRunTasks } from './run/run-task.js';
import { registerInnerLoop } from './debug/register-inner-loop.js';

let ctx: Ctx | undefined;

export function activate(extension: vscode.ExtensionContext): void {
  ctx = new Ctx(extension);
  extension.subscriptions.push(ctx, ...registerCommands(ctx), registerComposeTasks(ctx), registerBuildTasks(ctx), registerRunTasks(ctx), registerInnerLoop(ctx));
  ctx.languageClient.startOnFirstDocument();
  // Connecting may start the bundled engine; activation must not wait for it.
  void ctx.start().catch((err: unknown) => ctx?.engineLog.error(`Engine start failed: ${String(err)}`));
}

export async function deactivate(): Promise<void> {
  await Promise.all([ctx?.stop(), ctx?.languageClient.stop()]);
  ctx = undefined;
}
