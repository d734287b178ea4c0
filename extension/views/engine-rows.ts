// The rows of the Engine view, derived from the engine status. Pure, so it is tested without VS Code.
import type { EngineStatus } from '../engine/engine-status.js';

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
