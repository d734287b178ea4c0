// The Engine view: which engine, where, and whether it answers.
import * as vscode from 'vscode';
import type { EngineStatus } from '../engine/engine-status.js';
import { engineRows, type EngineRow } from './engine-rows.js';

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
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
