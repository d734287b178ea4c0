// Compose Down: the project's containers stopped and removed, then its networks (named volumes stay, as
// with `docker compose down`). From a project group whose files are gone, the labels alone say what to remove.
import * as vscode from 'vscode';
import { chooseTarget, composeOutput, composeSession, readProject, reportComposeFailure, targetTitle } from '../compose/compose-run.js';
import type { EngineCtx, Handler } from './command-context.js';

export const composeDown = (e: EngineCtx): Handler => async (...args) => {
  const target = await chooseTarget(args, 'take down');
  if (!target) return;
  const log = e.ctx.composeLog;
  const title = targetTitle(target);
  log.appendLine(`── Compose Down ${title} ──`);
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Compose Down ${title}` }, async (progress) => {
      const { lib, engine } = await composeSession(e);
      const project = await readProject(lib, target, { labelsOnly: true });
      // Without files every container labelled with the project is its own, as `docker compose -p NAME down` treats them.
      const labelsOnly = Object.keys(project.services).length === 0 && Object.keys(project.disabledServices).length === 0;
      await lib.down(engine, project, { volumes: false, removeOrphans: labelsOnly }, composeOutput(log, progress));
    });
  } catch (err) {
    await reportComposeFailure(log, `take down ${title}`, err);
  }
};
