// Attach Shell: exec bash (or sh) with a TTY in the container, in a terminal whose size follows the panel.
import type { Duplex } from 'node:stream';
import * as vscode from 'vscode';
import { UserError } from '../errors.js';
import { SHELL_COMMAND, TERMINAL_ENV } from '../terminals/shell-command.js';
import { StreamTerminal, type TtySession } from '../terminals/stream-terminal.js';
import { targets, type EngineCtx, type Handler } from './command-context.js';

export const attachShell = (e: EngineCtx): Handler => async (...args) => {
  const [c] = await targets(e, 'container', args, { placeHolder: 'Container to open a shell in', filter: (r) => r.state === 'running' });
  if (!c) return;
  const pty = new StreamTerminal(async (): Promise<TtySession> => {
    const container = e.docker.getContainer(c.id);
    const exec = await container.exec({
      Cmd: SHELL_COMMAND,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: TERMINAL_ENV,
    });
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    return {
      stream,
      resize: (rows, cols) => exec.resize({ h: rows, w: cols }),
      exitCode: async () => {
        const info = await exec.inspect();
        if (info.ExitCode === 126 || info.ExitCode === 127) {
          throw new UserError(`${c.name} has no /bin/sh, so there is no shell to attach to.`);
        }
        return info.ExitCode ?? undefined;
      },
    };
  }, `open a shell in ${c.name}`);
  const term = vscode.window.createTerminal({ name: `Shell: ${c.name}`, pty, iconPath: new vscode.ThemeIcon('terminal') });
  term.show();
};
