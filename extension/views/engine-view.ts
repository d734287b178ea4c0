// The Engine view: which engine, where, and whether it answers.
import * as vscode from 'vscode';
import type { EngineStatus } from '../engine/engine-status.js';

export interface EngineRow {
  label: string;
  description: string;
  tooltip?: string;
  icon: string;
  command?: vscode.Command;
}

export function engineRows(status: EngineStatus): EngineRow[] {
  switch (status.state) {
    case 'stopped':
      return [{ label: 'State', description: 'stopped', icon: 'debug-stop' }];
    case 'starting':
      return [
        { label: 'State', description: 'starting', icon: 'loading~spin' },
        { label: 'Socket', description: status.address, icon: 'plug' },
      ];
    case 'unreachable':
      return [
        { label: 'State', description: 'unreachable', tooltip: status.reason, icon: 'error' },
        { label: 'Reason', description: status.reason, tooltip: status.reason, icon: 'info' },
        { label: 'Socket', description: status.address, icon: 'plug' },
      ];
    case 'running': {
      const i = status.info;
      return [
        { label: 'State', description: 'running', icon: 'pass-filled' },
        { label: 'Engine', description: `${i.product} ${i.version}`.trim(), tooltip: `${i.os}/${i.arch}`, icon: 'server' },
        { label: 'API', description: i.apiVersion, icon: 'symbol-interface' },
        { label: 'Socket', description: i.address, icon: 'plug' },
        { label: 'Root', description: i.root, icon: 'folder' },
        {
          label: 'Containers',
          description: `${i.containers} (${i.containersRunning} running)`,
          icon: 'package',
        },
        { label: 'Images', description: String(i.images), icon: 'layers' },
      ];
    }
  }
}

export class EngineViewProvider implements vscode.TreeDataProvider<EngineRow> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private status: EngineStatus = { state: 'stopped' };

  update(status: EngineStatus): void {
    this.status = status;
    this.changed.fire();
  }

  getChildren(): EngineRow[] {
    return engineRows(this.status);
  }

  getTreeItem(row: EngineRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.description = row.description;
    item.tooltip = row.tooltip ?? `${row.label}: ${row.description}`;
    item.iconPath = new vscode.ThemeIcon(row.icon);
    item.contextValue = `engine.${row.label.toLowerCase()}`;
    item.command = row.command;
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
