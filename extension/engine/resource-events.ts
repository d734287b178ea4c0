// Which views an event batch touches. Exec and attach traffic (a shell opening, say) changes no list,
// so it must not cost a refresh.
import type { EngineEvent } from './engine-connection.js';

export type ResourceKind = 'container' | 'image' | 'volume' | 'network';

const QUIET_CONTAINER_ACTIONS = /^(exec_create|exec_start|exec_die|exec_detach|attach|detach|resize|top|export|archive-path|extract-to-dir|copy|commit)/;

export function changedKinds(events: readonly EngineEvent[]): Set<ResourceKind> {
  const kinds = new Set<ResourceKind>();
  for (const e of events) {
    const action = e.Action ?? '';
    switch (e.Type) {
      case 'container':
        if (!QUIET_CONTAINER_ACTIONS.test(action)) kinds.add('container');
        // A container's removal can free its image from "in use", and a commit adds an image.
        if (action === 'destroy' || action === 'commit') kinds.add('image');
        break;
      case 'image':
      case 'volume':
      case 'network':
        kinds.add(e.Type);
        break;
      case 'builder':
        kinds.add('image');
        break;
      default:
        break;
    }
  }
  return kinds;
}

/** True when the batch says the container with this id started (again). */
export function isStartOf(e: EngineEvent, containerId: string): boolean {
  return e.Type === 'container' && e.Action === 'start' && e.Actor?.ID === containerId;
}
