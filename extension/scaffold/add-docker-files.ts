// "Berth: Add Docker Files to Workspace": which project (detected, else asked), its port (a taken host
// port is replaced and said so), compose.yaml or not; then the Dockerfile, .dockerignore, compose.yaml
// and the `berth` launch configuration, asking before any existing file or configuration is replaced.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { installDebuggerExtension, installLabel, missingDebuggerExtension } from '../debug/debugger-extension.js';
import { buildDeps } from '../commands/build-image.js';
import { takesBuildKitSyntax } from '../image-build/run-build.js';
import { localPortChecker } from '../run/port-plan.js';
import { detectProject, markers, projectFacts } from './detect.js';
import { ECOSYSTEMS, ecosystemLabel, type Ecosystem, type ProjectFacts } from './ecosystems.js';
import { chooseHostPort } from './host-port.js';
import { scaffoldPlan } from './scaffold-plan.js';
import { writePlannedFiles } from './write-plan.js';

export async function addDockerFiles(ctx: Ctx): Promise<void> {
  const folder = await chooseFolder();
  if (!folder) return;
  const dir = folder.uri.fsPath;
  const facts = await chooseFacts(dir);
  if (!facts) return;
  const defaultPort = ECOSYSTEMS.find((e) => e.id === facts.ecosystem)!.defaultPort;
  const portText = await vscode.window.showInputBox({
    title: `Add Docker Files: ${ecosystemLabel(facts.ecosystem)}`,
    prompt: 'The port your app listens on in the container',
    value: String(defaultPort),
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 && Number(v) < 65536 ? undefined : 'A port number, 1-65535'),
  });
  if (!portText) return;
  const port = Number(portText.trim());
  const { hostPort, note } = await chooseHostPort(port, localPortChecker);
  if (note) void vscode.window.showInformationMessage(note);
  const composePick = await vscode.window.showQuickPick(
    [{ label: 'Yes', detail: 'Also write compose.yaml, with the app as one service', compose: true }, { label: 'No', detail: 'Only the Dockerfile, .dockerignore and the debug configuration', compose: false }],
    { title: 'Add Docker Files: compose.yaml?', placeHolder: 'Add a compose.yaml?' },
  );
  if (!composePick) return;

  // Cache mounts only where builds take RUN --mount: Berth's builder, Docker Engine through the docker
  // CLI's BuildKit (the route Build Image takes there). Other engines' build API refuses them.
  const engine = ctx.engine;
  const cacheMounts = engine?.client && engine.status.state === 'running'
    ? await takesBuildKitSyntax(buildDeps(ctx, engine, engine.client)).catch(() => false)
    : true;
  const plan = scaffoldPlan(facts, { port, hostPort, compose: composePick.compose, cacheMounts });
  const result = await writePlannedFiles(dir, plan.files, async (rel) => {
    const picked = await vscode.window.showWarningMessage(`${rel} already exists in ${folder.name}. Overwrite it?`, { modal: true, detail: 'Keep leaves the file as it is.' }, 'Overwrite', 'Keep');
    return picked === 'Overwrite';
  });
  let launchNote = '';
  // Go, Java and .NET are debugged through their extension's debugger: no configuration without it.
  // (Python's is written anyway: F5 says what to install.)
  const missing = plan.launch && plan.launch.platform !== 'python' ? missingDebuggerExtension(plan.launch.platform) : undefined;
  if (missing) {
    plan.launch = undefined;
    launchNote = ` (no debug configuration: debugging ${ecosystemLabel(facts.ecosystem)} attaches the debugger of the ${missing.name} extension, which is not installed; install it and run this command again)`;
  }
  if (!plan.launch && !launchNote) launchNote = ` (no debug configuration for ${ecosystemLabel(facts.ecosystem)})`;
  if (plan.launch) {
    const launch = vscode.workspace.getConfiguration('launch', folder.uri);
    const existing = (launch.get<Record<string, unknown>[]>('configurations') ?? []).filter((c) => c && typeof c === 'object');
    const same = existing.findIndex((c) => c.name === plan.launch!.name);
    let replace = same < 0;
    if (same >= 0) {
      const picked = await vscode.window.showWarningMessage(`launch.json already has "${plan.launch.name}". Replace it?`, { modal: true }, 'Replace', 'Keep');
      replace = picked === 'Replace';
    }
    if (replace) {
      const next = same >= 0 ? existing.map((c, i) => (i === same ? { ...plan.launch } : c)) : [...existing, { ...plan.launch }];
      await launch.update('configurations', next, vscode.ConfigurationTarget.WorkspaceFolder);
      if (!launch.get('version')) await launch.update('version', '0.2.0', vscode.ConfigurationTarget.WorkspaceFolder);
      launchNote = ` and the launch configuration "${plan.launch.name}"`;
    }
  }
  if (result.written.includes('Dockerfile')) await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, 'Dockerfile'), { preview: false });
  const wrote = result.written.length ? `Wrote ${result.written.join(', ')}${launchNote}.` : `Nothing written${launchNote.startsWith(' and') ? `, but added${launchNote}` : launchNote}.`;
  const kept = result.kept.length ? ` Kept the existing ${result.kept.join(', ')}.` : '';
  const install = missing ? installLabel(missing) : undefined;
  const actions = plan.launch && launchNote.startsWith(' and') ? ['Start Debugging', 'Build Image'] : ['Build Image', ...(install ? [install] : [])];
  const picked = await vscode.window.showInformationMessage(`${wrote}${kept}`, ...actions);
  if (picked && picked === install && missing) await installDebuggerExtension(missing, 'Run "Berth: Add Docker Files to Workspace" again to add the debug configuration.');
  if (picked === 'Start Debugging' && plan.launch) await vscode.debug.startDebugging(folder, plan.launch.name);
  if (picked === 'Build Image') await vscode.commands.executeCommand('berth.images.build', vscode.Uri.joinPath(folder.uri, 'Dockerfile'));
}

async function chooseFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0];
  if (folders.length > 1) return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The project folder to add Docker files to' });
  const picked = await vscode.window.showInformationMessage('Add Docker Files needs a folder: open your project folder (an empty one works too), then run it again.', 'Open Folder');
  if (picked) await vscode.commands.executeCommand('vscode.openFolder');
  return undefined;
}

/** The detected project, or the ecosystem the user picks when the folder does not say (offered first: those whose files it has). */
async function chooseFacts(dir: string): Promise<ProjectFacts | undefined> {
  const detected = await detectProject(dir);
  if (detected.found) return detected.facts;
  const present = new Set<Ecosystem>(await markers(dir));
  const items = [...ECOSYSTEMS]
    .sort((a, b) => Number(present.has(b.id)) - Number(present.has(a.id)))
    .map((e) => ({ label: e.label, description: present.has(e.id) ? 'found in this folder' : undefined, detail: `Detected by ${e.detail}`, id: e.id }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Add Docker Files: which kind of project?',
    placeHolder: `Berth cannot tell the project type (${detected.reason}). Pick one.`,
  });
  return picked ? projectFacts(dir, picked.id) : undefined;
}
