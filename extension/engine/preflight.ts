// Why the bundled engine cannot run on this machine, and the ways out. Pure checks over the environment.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WayOut {
  /** Button text. */
  label: string;
  /** What the button does; the UI layer maps it to an action. */
  action: { kind: 'use-docker' } | { kind: 'copy-command'; command: string } | { kind: 'open-settings' } | { kind: 'open-readme' };
}

export interface PreflightProblem {
  message: string;
  waysOut: WayOut[];
}

export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function checkBundledPrerequisites(opts: { isRoot: boolean; envPath?: string; runtimeScript: string }): PreflightProblem | undefined {
  if (!fs.existsSync(opts.runtimeScript)) {
    return {
      message: `Berth's engine is missing from the extension (${opts.runtimeScript}). Reinstall Berth, or run "npm run build" in a development checkout.`,
      waysOut: [{ label: 'Use Docker Engine instead', action: { kind: 'use-docker' } }],
    };
  }
  if (!opts.isRoot) {
    return {
      message:
        "Berth's bundled engine needs root on this machine: running it as an ordinary user (user namespaces, rootless networking) is not supported yet. Use Docker or Podman through the berth.engine setting, or run VS Code as root in a disposable VM.",
      waysOut: [
        { label: 'Use Docker Engine', action: { kind: 'use-docker' } },
        { label: 'Choose Engine in Settings', action: { kind: 'open-settings' } },
      ],
    };
  }
  if (!findOnPath('runc', opts.envPath) && !findOnPath('crun', opts.envPath)) {
    return {
      message: "Berth's bundled engine needs an OCI runtime (runc or crun) to run containers, and neither is on PATH.",
      waysOut: [
        { label: 'Copy Install Command', action: { kind: 'copy-command', command: 'sudo apt-get install -y runc' } },
        { label: 'Use Docker Engine', action: { kind: 'use-docker' } },
      ],
    };
  }
  return undefined;
}
