// Typed access to Berth's settings; the schema lives in package.json.
import * as vscode from 'vscode';
import type { ContainerGrouping } from './views/container-nodes.js';

export interface BerthConfig {
  /** `bundled`, `docker`, a unix socket path, or `ssh://user@host`. */
  engine: string;
  /** Socket and root for the bundled engine; empty means the engine's own defaults. */
  bundledSocket: string;
  bundledRoot: string;
}

export function readConfig(): BerthConfig {
  const c = vscode.workspace.getConfiguration('berth');
  return {
    engine: c.get<string>('engine', 'bundled').trim() || 'bundled',
    bundledSocket: c.get<string>('bundled.socket', '').trim(),
    bundledRoot: c.get<string>('bundled.root', '').trim(),
  };
}

/** Settings whose change means reconnecting to another engine. */
export const ENGINE_SETTINGS = ['berth.engine', 'berth.bundled.socket', 'berth.bundled.root'];

export const GROUP_BY_SETTING = 'berth.containers.groupBy';
export const SHOW_DANGLING_SETTING = 'berth.images.showDangling';
export const SHOW_STATS_SETTING = 'berth.containers.showStats';

/** berth.containers.showStats: CPU and memory in running containers' descriptions. */
export function showContainerStats(): boolean {
  return vscode.workspace.getConfiguration('berth').get<boolean>('containers.showStats', false);
}

export function containerGrouping(): ContainerGrouping {
  return vscode.workspace.getConfiguration('berth').get<string>('containers.groupBy', 'composeProject') === 'none' ? 'none' : 'composeProject';
}

export function showDanglingImages(): boolean {
  return vscode.workspace.getConfiguration('berth').get<boolean>('images.showDangling', false);
}

export async function setShowDanglingImages(show: boolean): Promise<void> {
  await vscode.workspace.getConfiguration('berth').update('images.showDangling', show, vscode.ConfigurationTarget.Global);
}
