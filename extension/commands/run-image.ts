// Run: a detached container from the image, its EXPOSE ports published on free 127.0.0.1 ports.
// Run Interactive: a container with a TTY, attached in a terminal, removed when it exits.
import type { Duplex } from 'node:stream';
import * as vscode from 'vscode';
import { exposedPorts, localPortChecker, planPorts, portBindingsConfig } from '../run/port-plan.js';
import { StreamTerminal, type TtySession } from '../terminals/stream-terminal.js';
import { showEngineError, targets, type EngineCtx, type Handler } from './command-context.js';

function engineIsLocal(e: EngineCtx): boolean {
  return e.connection.target.kind !== 'tcp' && e.connection.target.kind !== 'ssh';
}

async function imageToRun(e: EngineCtx, args: readonly unknown[]): Promise<string | undefined> {
  const [img] = await targets(e, 'image', args, { placeHolder: 'Image to run' });
  return img ? img.ref ?? img.id : undefined;
}

export const runImage = (e: EngineCtx): Handler => async (...args) => {
  const image = await imageToRun(e, args);
  if (!image) return;
  try {
    const info = await e.docker.getImage(image).inspect();
    const plan = await planPorts(exposedPorts(info.Config?.ExposedPorts), engineIsLocal(e) ? localPortChecker : undefined);
    const { ExposedPorts, PortBindings } = portBindingsConfig(plan);
    const container = await e.docker.createContainer({ Image: image, ExposedPorts, HostConfig: { PortBindings } });
    await container.start();
    const created = await container.inspect();
    const name = created.Name.replace(/^\//, '');
    e.ctx.views.refresh(['container']);
    const published = plan.map((p) => `${p.hostIp}:${p.hostPort || '?'}→${p.containerPort}`).join(', ');
    const actions = plan.length ? ['Open in Browser', 'View Logs'] : ['View Logs'];
    const picked = await vscode.window.showInformationMessage(`Started ${name} from ${image}${published ? ` (${published})` : ''}.`, ...actions);
    const node = { id: `container:${created.Id}`, label: name, icon: '', contextValue: '', tooltip: () => '' };
    const ref = {
      kind: 'container' as const,
      id: created.Id,
      name,
      image,
      state: 'running',
      ports: plan.map((p) => ({
        ip: p.hostIp,
        privatePort: Number(p.containerPort.split('/')[0]),
        publicPort: Number(p.hostPort) || undefined,
        type: p.containerPort.split('/')[1] ?? 'tcp',
      })),
    };
    if (picked === 'Open in Browser') await vscode.commands.executeCommand('berth.containers.openInBrowser', { ...node, resource: ref });
    if (picked === 'View Logs') await vscode.commands.executeCommand('berth.containers.viewLogs', { ...node, resource: ref });
  } catch (err) {
    showEngineError(err, `run ${image}`);
  }
};

export const runImageInteractive = (e: EngineCtx): Handler => async (...args) => {
  const image = await imageToRun(e, args);
  if (!image) return;
  const pty = new StreamTerminal(async (size): Promise<TtySession> => {
    const config = (await e.docker.getImage(image).inspect()).Config as { Cmd?: string[] | null; Entrypoint?: string[] | null } | undefined;
    // An image with nothing to run (a bare root filesystem, say) gets a shell: that is what an
    // interactive run is for.
    const nothingToRun = !config?.Cmd?.length && !config?.Entrypoint?.length;
    const container = await e.docker.createContainer({
      Image: image,
      Cmd: nothingToRun ? ['/bin/sh'] : undefined,
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Env: ['TERM=xterm-256color'],
      HostConfig: { AutoRemove: true },
    });
    // Attach before start, so the first output (a prompt) is not lost.
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
    await container.start();
    if (size) await container.resize({ h: size.rows, w: size.columns }).catch(() => undefined);
    return {
      stream,
      resize: (rows, cols) => container.resize({ h: rows, w: cols }),
      exitCode: async () => {
        const r = (await container.wait().catch(() => undefined)) as { StatusCode?: number } | undefined;
        return r?.StatusCode;
      },
      // The container exists for this terminal; closing the terminal ends it (AutoRemove removes it).
      abandon: () => container.kill(),
    };
  }, `run ${image} interactively`);
  const term = vscode.window.createTerminal({ name: `Run: ${image}`, pty, iconPath: new vscode.ThemeIcon('play') });
  term.show();
};
