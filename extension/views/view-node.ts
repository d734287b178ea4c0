// The nodes of the resource trees, built from Engine API JSON by pure functions so they are tested
// without VS Code. The tree providers only turn them into TreeItems.
import type { ComposeTarget } from '../compose/compose-target.js';
import type { PortMapping } from './format.js';

export interface ContainerRef {
  kind: 'container';
  id: string;
  name: string;
  image: string;
  state: string;
  ports: PortMapping[];
}

export interface ImageRef {
  kind: 'image';
  id: string;
  /** `repo:tag` for a tagged image; undefined for a dangling one (act on it by id). */
  ref?: string;
  repoTags: string[];
}

export interface VolumeRef {
  kind: 'volume';
  name: string;
}

export interface NetworkRef {
  kind: 'network';
  id: string;
  name: string;
  builtin: boolean;
}

export type ResourceRef = ContainerRef | ImageRef | VolumeRef | NetworkRef;

export interface ViewNode {
  /** Unique in its view; keeps selection and expansion across refreshes. */
  id: string;
  label: string;
  description?: string;
  /** A codicon id, and optionally a theme color id for it. */
  icon: string;
  iconColor?: string;
  /** Carries the state for `viewItem =~` menus: `container.running`, `image.tag`, `containerGroup`, ... */
  contextValue: string;
  /** What a screen reader says for the row when label and description alone are ambiguous ("latest"). */
  ariaLabel?: string;
  /** Markdown, built only when VS Code asks for the tooltip. */
  tooltip: () => string;
  /** Group nodes have children; resource nodes do not. */
  children?: ViewNode[];
  expanded?: boolean;
  resource?: ResourceRef;
  /** A Compose project group: the project its containers' labels name (files, folder), for the Compose commands. */
  compose?: ComposeTarget;
}

/** The resources selected nodes stand for: a group stands for all of its members. */
export function resourcesOf<K extends ResourceRef['kind']>(nodes: readonly ViewNode[], kind: K): Extract<ResourceRef, { kind: K }>[] {
  const out: Extract<ResourceRef, { kind: K }>[] = [];
  const seen = new Set<string>();
  const visit = (n: ViewNode): void => {
    if (n.resource?.kind === kind) {
      const r = n.resource as Extract<ResourceRef, { kind: K }>;
      const key = 'ref' in r && r.ref ? r.ref : 'id' in r ? r.id : (r as VolumeRef).name;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(r);
      }
    }
    for (const c of n.children ?? []) visit(c);
  };
  nodes.forEach(visit);
  return out;
}
