// Compose Restart: every container of the project restarted, dependencies first.
import * as vscode from 'vscode';
import { chooseTarget, composeOutput, composeSession, readProject, reportComposeFailure, targetTitle } from '../compose/compose-run.js';
import type { EngineCtx, Handler } from './command-context.js';

export const composeRestart = (e: EngineCtx): Handler => async (...args) => {
  const target = await chooseTarget(args, 'restart');
  if (!target) return;
  const log = e.ctx.composeLog;
  const title = targetTitle(target);
  log.appendLine(`── Compose Restart ${title} ──`);
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Compose Restart ${title}` }, async (progress) => {
      const { lib, engine } = await composeSession(e);
      const project = await readProject(lib, target, { labelsOnly: true });
      if (Object.keys(project.services).length === 0) {
        // No files: restart what the labels name, in no particular order.
        const containers = await lib.projectContainers(engine, project.name, { all: true, oneoff: false });
        const out = composeOutput(log, progress);
        for (const c of containers) {
          out.progress('Container', c.name, 'Restarting');
          await engine.restartContainer(c.id);
          out.progress('Container', c.name, 'Started');
        }
        return;
      }
      await lib.lifecycle(engine, project, 'restart', [], composeOutput(log, progress));
    });
  } catch (err) {
    await reportComposeFailure(log, `restart ${title}`, err);
  }
};
