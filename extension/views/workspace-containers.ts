// The setting berth.containers.workspaceOnly: only the containers of this workspace, those made from
// an image Berth built from one of its Dockerfiles, or of a Compose project whose folder is inside it.
// No VS Code imports.
import * as path from 'node:path';
import { WORKING_DIR_LABEL } from '../compose/compose-target.js';

export interface WorkspaceContainerInput {
  ImageID?: string;
  Labels?: Record<string, string> | null;
}

export function isWorkspaceContainer(c: WorkspaceContainerInput, folders: readonly string[], builtHere: (imageId: string) => boolean): boolean {
  if (c.ImageID && builtHere(c.ImageID)) return true;
  const dir = c.Labels?.[WORKING_DIR_LABEL];
  if (!dir) return false;
  return folders.some((f) => {
    const rel = path.relative(f, dir);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}
