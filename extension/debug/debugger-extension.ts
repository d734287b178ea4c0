// The VS Code extension a platform's debugger comes from (Python, Go, Java, C#): whether it is
// installed, and installing it when the user asks (or showing it in the Extensions view when this
// editor's gallery does not have it).
import * as vscode from 'vscode';
import { DEBUGGER_EXTENSIONS, type DebugPlatform } from './debug-config.js';

export type DebuggerExtension = { id: string; name: string };

/** The platform's debugger extension when it is missing; undefined when it is there or none is needed. */
export function missingDebuggerExtension(platform: DebugPlatform): DebuggerExtension | undefined {
  const needed = DEBUGGER_EXTENSIONS[platform];
  if (!needed) return undefined;
  // The Python extension brought debugpy's debugger itself before ms-python.debugpy existed.
  if (platform === 'python' && vscode.extensions.getExtension('ms-python.python')) return undefined;
  return vscode.extensions.getExtension(needed.id) ? undefined : needed;
}

/** The button that installs it: "Install Go". */
export function installLabel(ext: DebuggerExtension): string {
  return `Install ${ext.name.replace(/ \(.*\)$/, '')}`;
}

/** Installs the extension; `then` says what to do next. A failed install opens the Extensions view on it. */
export async function installDebuggerExtension(ext: DebuggerExtension, then: string): Promise<void> {
  try {
    await vscode.commands.executeCommand('workbench.extensions.installExtension', ext.id);
    void vscode.window.showInformationMessage(`Installed ${ext.name}. ${then}`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not install ${ext.id} (${err instanceof Error ? err.message : String(err)}): it may not be in this editor's extension gallery. Search for it in the Extensions view.`);
    await vscode.commands.executeCommand('workbench.extensions.search', `@id:${ext.id}`).then(undefined, () => undefined);
  }
}
