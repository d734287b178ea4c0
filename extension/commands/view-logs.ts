// View Logs: one following terminal per selected container.
import * as vscode from 'vscode';
import { LogTerminal } from '../terminals/log-terminal.js';
import { targets, type EngineCtx, type Handler } from './command-context.js';

export const viewLogs = (e: EngineCtx): Handler => async (...args) => {
  const list = await targets(e, 'container', args, { placeHolder: 'Container whose log to follow' });
  for (const c of list.slice(0, 5)) {
    const pty = new LogTerminal({ connection: e.connection, containerId: c.id, name: c.name });
    const term = vscode.window.createTerminal({ name: `Logs: ${c.name}`, pty, iconPath: new vscode.ThemeIcon('output') });
    term.show(list.length > 1);
  }
};
