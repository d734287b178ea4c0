// Compose Up (and Up with a choice of services and profiles): the runner in the extension host on the
// engine Berth is connected to, detached as `docker compose up -d`; pulls, builds and each container's
// state in a progress notification and the "Berth Compose" output.
import * as vscode from 'vscode';
import type { ComposeProject } from '../../compose/model/types';
import { chooseTarget, composeOutput, composeSession, readProject, reportComposeFailure, targetTitle } from '../compose/compose-run.js';
import type { ComposeTarget } from '../compose/compose-target.js';
import type { EngineCtx, Handler } from './command-context.js';

export const composeUp = (e: EngineCtx): Handler => async (...args) => {
  const target = await chooseTarget(args, 'start');
  if (target) await runUp(e, target, []);
};

export const composeUpSelect = (e: EngineCtx): Handler => async (...args) => {
  const target = await chooseTarget(args, 'start');
  if (!target) return;
  const { lib } = await composeSession(e);
  let project: ComposeProject;
  try {
    project = await readProject(lib, target);
  } catch (err) {
    await reportComposeFailure(e.ctx.composeLog, `start ${targetTitle(target)}`, err);
    return;
  }
  const all = { ...project.disabledServices, ...project.services };
  const profiles = [...new Set(Object.values(all).flatMap((s) => s.profiles))].sort();
  let chosenProfiles: string[] = [];
  if (profiles.length) {
    const picked = await vscode.window.showQuickPick(
      profiles.map((p) => ({ label: p, picked: target.profiles?.includes(p) ?? false })),
      { title: `Compose Up ${project.name}: profiles`, placeHolder: 'Profiles to enable (none: only the services without a profile)', canPickMany: true },
    );
    if (!picked) return;
    chosenProfiles = picked.map((p) => p.label);
  }
  const enabled = (s: ComposeProject['services'][string]) => s.profiles.length === 0 || s.profiles.some((p) => chosenProfiles.includes(p));
  const picked = await vscode.window.showQuickPick(
    Object.values(all)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({
        label: s.name,
        description: [s.image ?? (s.build ? 'built' : ''), s.profiles.length ? `profiles: ${s.profiles.join(', ')}` : ''].filter(Boolean).join('  ·  '),
        picked: enabled(s),
      })),
    { title: `Compose Up ${project.name}: services`, placeHolder: 'Services to start (their dependencies start too)', canPickMany: true },
  );
  if (!picked?.length) return;
  await runUp(e, { ...target, profiles: chosenProfiles }, picked.map((p) => p.label));
};

async function runUp(e: EngineCtx, target: ComposeTarget, services: readonly string[]): Promise<void> {
  const log = e.ctx.composeLog;
  const title = targetTitle(target);
  log.appendLine(`── Compose Up ${title}${services.length ? ` (${services.join(', ')})` : ''} on ${e.connection.target.kind} engine ──`);
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Compose Up ${title}` }, async (progress) => {
      const { lib, engine } = await composeSession(e);
      const project = await readProject(lib, target);
      const result = await lib.up(engine, project, {
        services,
        build: false,
        forceRecreate: false,
        noRecreate: false,
        removeOrphans: false,
        noDeps: false,
        wait: false,
        start: true,
      }, composeOutput(log, progress));
      const names = result.containers.map((c) => c.name);
      log.appendLine(`Project ${project.name}: started ${names.join(', ')}.`);
      void vscode.window.showInformationMessage(`Compose project ${project.name} is up: ${names.join(', ')}.`);
    });
  } catch (err) {
    await reportComposeFailure(log, `start ${title}`, err);
  }
}
