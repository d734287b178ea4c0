// The inner loop's registrations: the `berth` debug type and the `berth-run` task type.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { registerRunTasks } from '../tasks/run-task.js';
import { registerBerthDebugger } from './debug-session.js';

export function registerInnerLoop(ctx: Ctx): vscode.Disposable {
  return vscode.Disposable.from(registerBerthDebugger(ctx), registerRunTasks(ctx));
}
