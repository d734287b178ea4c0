// The inner loop's registrations: the `berth` debug type (the `berth-run` task type is run/run-task.ts).
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { registerBerthDebugger } from './debug-session.js';

export function registerInnerLoop(ctx: Ctx): vscode.Disposable {
  return registerBerthDebugger(ctx);
}
