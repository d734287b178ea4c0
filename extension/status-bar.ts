// A status-bar item naming the engine and its state; clicking it reveals the Engine view.
import * as vscode from 'vscode';
import type { EngineStatus } from './engine/engine-status.js';

export class EngineStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('berth.engineStatus', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Berth Engine';
    this.item.command = 'berth.engine.focus';
    this.item.show();
  }

  update(status: EngineStatus): void {
    switch (status.state) {
      case 'stopped':
        this.item.text = '$(debug-stop) Berth: stopped';
        this.item.tooltip = 'No engine connected';
        this.item.backgroundColor = undefined;
        break;
      case 'starting':
        this.item.text = '$(loading~spin) Berth: starting';
        this.item.tooltip = `Connecting to ${status.address}`;
        this.item.backgroundColor = undefined;
        break;
      case 'running':
        this.item.text = `$(vm-running) ${status.info.product} ${status.info.version}`;
        this.item.tooltip = `${status.info.product} ${status.info.version} at ${status.info.address}`;
        this.item.backgroundColor = undefined;
        break;
      case 'unreachable':
        this.item.text = '$(error) Berth: unreachable';
        this.item.tooltip = status.reason;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
