// Compose Logs: a terminal following all of the project's containers, prefixed by container.
import * as vscode from 'vscode';
import { chooseTarget, composeSession, readProject, reportComposeFailure, targetTitle } from '../compose/compose-run.js';
import { ComposeLogTerminal } from '../terminals/compose-log-terminal.js';
import type { EngineCtx, Handler } from './command-context.js';

export const composeLogs = (e: EngineCtx): Handler => async (...args) => {
  const target = await chooseTarget(args, 'show the logs of');
  if (!target) return;
  try {
    const { lib, engine } = await composeSession(e);
    // Only the name is needed; a group whose files are gone still has its containers' logs.
    const project = target.projectName ?? (await readProject(lib, target, { labelsOnly: true })).name;
    const pty = new ComposeLogTerminal({ lib, engine, project, events: e.connection });
    vscode.window.createTerminal({ name: `Compose Logs: ${project}`, pty, iconPath: new vscode.ThemeIcon('output') }).show();
  } catch (err) {
    await reportComposeFailure(e.ctx.composeLog, `show the logs of ${targetTitle(target)}`, err);
  }
};
