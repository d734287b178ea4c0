// Every command in one table: name -> handler factory over the context. Registered as `berth.<name>`.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';

type Handler = (...args: unknown[]) => unknown;
type CommandFactory = (ctx: Ctx) => Handler;

const commands: Record<string, CommandFactory> = {
  'engine.refresh': (ctx) => async () => {
    if (ctx.engine) await ctx.engine.refresh();
    else await ctx.start();
  },
  'engine.showLog': (ctx) => () => ctx.engineLog.show(true),
  'engine.restart': (ctx) => async () => {
    if (ctx.engine?.target.kind !== 'bundled') {
      void vscode.window.showInformationMessage('Berth is not using its bundled engine (setting berth.engine), so there is nothing of Berth\'s to restart.');
      return;
    }
    await ctx.engine.restartBundled();
  },
};

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(commands).map(([name, factory]) => vscode.commands.registerCommand(`berth.${name}`, factory(ctx)));
}
