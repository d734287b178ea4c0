// What every Berth task type's provider shares: the tasks offered in "Run Task" for the workspace's files
// of a kind, a task of tasks.json resolved in its workspace folder, and a CustomExecution whose
// pseudoterminal (task-terminal.ts) runs it.
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface TaskType {
  type: string;
  /** Offered in "Run Task": the workspace's files matching `glob` that `accept` takes, and each one's tasks (by its path relative to its folder). */
  offer?: {
    glob: string;
    accept: (fsPath: string) => boolean;
    tasks: (relativePath: string) => { definition: vscode.TaskDefinition; name: string }[];
  };
  /** The pseudoterminal that runs one task, given its resolved definition and its workspace folder's path. */
  terminal: (definition: vscode.TaskDefinition, folder: string) => vscode.Pseudoterminal;
  problemMatchers?: string[];
  /** Group, presentation: what this type sets on each task. */
  configure?: (task: vscode.Task) => void;
}

export function registerTaskType(t: TaskType): vscode.Disposable {
  const make = (definition: vscode.TaskDefinition, folder: vscode.WorkspaceFolder, name: string): vscode.Task => {
    const task = new vscode.Task(definition, folder, name, t.type,
      new vscode.CustomExecution(async (resolved) => t.terminal(resolved, folder.uri.fsPath)), t.problemMatchers);
    t.configure?.(task);
    return task;
  };
  return vscode.tasks.registerTaskProvider(t.type, {
    async provideTasks() {
      const offer = t.offer;
      if (!offer) return [];
      const found = await vscode.workspace.findFiles(offer.glob, '**/node_modules/**', 50);
      const tasks: vscode.Task[] = [];
      for (const uri of found.filter((u) => offer.accept(u.fsPath))) {
        const folder = vscode.workspace.getWorkspaceFolder(uri);
        if (!folder) continue;
        const rel = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
        for (const { definition, name } of offer.tasks(rel)) tasks.push(make(definition, folder, name));
      }
      return tasks;
    },
    resolveTask(task) {
      const folder = task.scope && typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
      if (!folder) return undefined;
      return make(task.definition, folder, task.name);
    },
  });
}
