// Run with Options: a menu of `docker run`'s everyday flags (name, ports with the image's EXPOSE ports
// as defaults, environment and env files, volumes and bind mounts, network, restart policy, --rm, a
// command), remembered per image in the workspace's state; then create and start the container.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { exposedPorts, localPortChecker } from '../run/port-plan.js';
import {
  checkEnv, checkName, coerceRunOptions, createBody, defaultRunOptions, optionProblems, parsePort, parseVolume, planHostPorts, readEnvFiles, RESTART_POLICIES, type RunOptions,
} from '../run/run-options.js';
import { showEngineError, targets, type EngineCtx, type Handler } from './command-context.js';
import { editList } from './list-step.js';

const KEY = 'berth.run.options';

function baseDir(): string {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
}

export const runImageWithOptions = (e: EngineCtx): Handler => async (...args) => {
  const [img] = await targets(e, 'image', args, { placeHolder: 'Image to run' });
  if (!img) return;
  const image = img.ref ?? img.id;
  let exposed: string[];
  try {
    exposed = exposedPorts((await e.docker.getImage(image).inspect()).Config?.ExposedPorts);
  } catch (err) {
    showEngineError(err, `inspect ${image}`);
    return;
  }
  const state = e.ctx.extension.workspaceState;
  const remembered = state.get<Record<string, unknown>>(KEY) ?? {};
  const start = image in remembered ? coerceRunOptions(remembered[image], defaultRunOptions(exposed)) : defaultRunOptions(exposed);
  const networks = await e.docker.listNetworks().then((n) => n.map((x) => x.Name).sort(), () => [] as string[]);
  const options = await runOptionsStep(`Run ${image}`, start, exposed, networks);
  if (!options) return;
  await state.update(KEY, { ...remembered, [image]: options });
  try {
    const envFromFiles = await readEnvFiles(options.envFiles, baseDir(), process.env, (f) => fs.promises.readFile(f, 'utf8'));
    if (typeof envFromFiles === 'string') {
      void vscode.window.showErrorMessage(`Could not run ${image}: ${envFromFiles}. Change it in Run with Options.`);
      return;
    }
    const local = e.connection.target.kind !== 'tcp' && e.connection.target.kind !== 'ssh';
    const hostPorts = await planHostPorts(options, local ? localPortChecker : undefined);
    const body = createBody(image, options, baseDir(), envFromFiles, process.env, hostPorts);
    const container = await e.docker.createContainer(body);
    await container.start();
    const info = await container.inspect();
    const name = info.Name.replace(/^\//, '');
    e.ctx.views.refresh(['container']);
    const published = Object.entries(info.NetworkSettings.Ports ?? {}).flatMap(([cp, b]) => (b ?? []).map((x) => `${x.HostIp}:${x.HostPort}→${cp}`)).join(', ');
    const picked = await vscode.window.showInformationMessage(`Started ${name} from ${image}${published ? ` (${published})` : ''}.`, 'View Logs');
    if (picked === 'View Logs') {
      await vscode.commands.executeCommand('berth.containers.viewLogs', {
        id: `container:${info.Id}`, label: name, icon: '', contextValue: '', tooltip: () => '',
        resource: { kind: 'container', id: info.Id, name, image, state: 'running', ports: [] },
      });
    }
  } catch (err) {
    showEngineError(err, `run ${image}`);
  }
};

type Action = 'run' | 'name' | 'ports' | 'env' | 'envFiles' | 'volumes' | 'network' | 'restart' | 'rm' | 'command' | 'reset';

/** The options menu; resolves with the options on Run, undefined on Escape. */
export async function runOptionsStep(title: string, start: RunOptions, exposed: readonly string[], networks: readonly string[]): Promise<RunOptions | undefined> {
  let o: RunOptions = structuredClone(start);
  for (;;) {
    const problems = optionProblems(o, baseDir());
    const rows: (vscode.QuickPickItem & { action: Action })[] = [
      { action: 'run', label: '$(play) Run', description: o.name ?? 'a name the engine picks', detail: problems.length ? `Cannot run yet: ${problems.join('; ')}` : summary(o) || 'no options' },
      { action: 'name', label: '$(symbol-field) Name', description: o.name ?? 'none' },
      { action: 'ports', label: '$(plug) Ports', description: o.ports.join(', ') || 'none' },
      { action: 'env', label: '$(symbol-variable) Environment', description: o.env.join(', ') || 'none' },
      { action: 'envFiles', label: '$(file) Env files', description: o.envFiles.join(', ') || 'none' },
      { action: 'volumes', label: '$(database) Volumes and bind mounts', description: o.volumes.join(', ') || 'none' },
      { action: 'network', label: '$(type-hierarchy) Network', description: o.network ?? 'the default bridge' },
      { action: 'restart', label: '$(debug-restart) Restart policy', description: o.restart },
      { action: 'rm', label: '$(trash) Remove when it stops (--rm)', description: o.autoRemove ? 'on' : 'off' },
      { action: 'command', label: '$(terminal) Command', description: o.command ?? "the image's" },
      { action: 'reset', label: '$(discard) Reset options' },
    ];
    const picked = await vscode.window.showQuickPick(rows, { title, placeHolder: 'Pick an option to change it, or Run', ignoreFocusOut: true });
    if (!picked) return undefined;
    switch (picked.action) {
      case 'run':
        if (!problems.length) return o;
        void vscode.window.showErrorMessage(`Cannot run: ${problems.join('; ')}.`);
        break;
      case 'name': {
        const v = await vscode.window.showInputBox({ title: `${title}: name`, value: o.name ?? '', prompt: 'Container name; empty lets the engine pick one', validateInput: (x) => checkName(x.trim()), ignoreFocusOut: true });
        if (v !== undefined) o.name = v.trim() || undefined;
        break;
      }
      case 'ports':
        o.ports = await editList(`${title}: ports`, o.ports, exposed.map((p) => p.replace(/\/tcp$/, '')).filter((p) => !o.ports.includes(p)).map((p) => ({ label: `$(add) ${p}`, description: 'EXPOSE in the image', value: p })),
          'CONTAINER (a free host port on 127.0.0.1), HOST:CONTAINER or IP:HOST:CONTAINER[/udp]', (v) => { const r = parsePort(v); return typeof r === 'string' ? r : undefined; });
        break;
      case 'env':
        o.env = await editList(`${title}: environment`, o.env, [], 'KEY=VALUE, or KEY to pass the variable of VS Code\'s environment', checkEnv);
        break;
      case 'envFiles':
        o.envFiles = await editList(`${title}: env files`, o.envFiles, [{ label: '$(add) .env', value: '.env' }], 'A file of KEY=VALUE lines, relative to the workspace folder', (v) => (v ? undefined : 'Enter a path'));
        break;
      case 'volumes':
        o.volumes = await editList(`${title}: volumes`, o.volumes, [], 'VOLUME:/path, /host/path:/path or ./relative:/path, with :ro for read-only', (v) => { const r = parseVolume(v, baseDir()); return typeof r === 'string' ? r : undefined; });
        break;
      case 'network': {
        const n = await vscode.window.showQuickPick([{ label: '(default bridge)', value: undefined as string | undefined }, ...networks.map((x) => ({ label: x, value: x as string | undefined }))], { title: `${title}: network` });
        if (n) o.network = n.value;
        break;
      }
      case 'restart': {
        const r = await vscode.window.showQuickPick(RESTART_POLICIES.map((x) => ({ label: x })), { title: `${title}: restart policy` });
        if (r) o.restart = r.label as RunOptions['restart'];
        break;
      }
      case 'rm':
        o.autoRemove = !o.autoRemove;
        break;
      case 'command': {
        const c = await vscode.window.showInputBox({ title: `${title}: command`, value: o.command ?? '', prompt: "Replaces the image's CMD (words split at spaces; quotes keep a word together); empty keeps the image's", ignoreFocusOut: true });
        if (c !== undefined) o.command = c.trim() || undefined;
        break;
      }
      case 'reset':
        o = defaultRunOptions(exposed);
        break;
    }
  }
}

function summary(o: RunOptions): string {
  const parts: string[] = [];
  if (o.ports.length) parts.push(`ports ${o.ports.join(', ')}`);
  if (o.env.length) parts.push(`env ${o.env.map((e) => e.split('=')[0]).join(', ')}`);
  if (o.envFiles.length) parts.push(`env files ${o.envFiles.join(', ')}`);
  if (o.volumes.length) parts.push(`volumes ${o.volumes.join(', ')}`);
  if (o.network) parts.push(`network ${o.network}`);
  if (o.restart !== 'no') parts.push(`restart ${o.restart}`);
  if (o.autoRemove) parts.push('--rm');
  if (o.command) parts.push(`command ${o.command}`);
  return parts.join('; ');
}
