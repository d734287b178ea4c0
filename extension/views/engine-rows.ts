// The rows of the Engine view, derived from the engine status. Pure, so it is tested without VS Code.
import type { EngineInfo, EngineStatus } from '../engine/engine-status.js';

export interface EngineRow {
  label: string;
  description: string;
  tooltip?: string;
  icon: string;
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
        modeRow(i),
        ...isolationRow(i),
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

/** One line when the engine says its containers are confined less than Docker's defaults; all of it in the tooltip. */
function isolationRow(i: EngineInfo): EngineRow[] {
  const warnings = i.isolationWarnings ?? [];
  if (!warnings.length) return [];
  const more = warnings.length > 1 ? ` (+${warnings.length - 1} more)` : '';
  return [{ label: 'Isolation', description: `weaker than Docker's default: ${warnings[0]}${more}`, tooltip: warnings.join('\n'), icon: 'warning' }];
}

/** Rootless or not, and what that means here: limits are what users notice first. */
function modeRow(i: EngineInfo): EngineRow {
  if (i.mode === 'root') {
    if (i.userns) {
      return { label: 'Mode', description: 'root, a user namespace per container', tooltip: 'The engine runs as root, and each container gets its own user namespace: root in a container is an unprivileged id on the host and nobody in other containers (unless the container asks for --userns host).', icon: 'shield' };
    }
    return { label: 'Mode', description: 'root', tooltip: 'The engine runs as root: containers get the full isolation and resource limits.', icon: 'shield' };
  }
  const limits = i.limits
    ? 'Memory, CPU and pids limits are applied through the cgroups delegated to the user.'
    : 'Memory, CPU and pids limits cannot be applied (no cgroup is delegated to the user): a container with limits still runs, and the engine says so in a warning.';
  return {
    label: 'Mode',
    description: i.limits ? 'rootless' : 'rootless, no resource limits',
    tooltip: `The engine runs as your user: containers live in a user namespace, with your subordinate ids. ${limits}`,
    icon: 'person',
  };
}
