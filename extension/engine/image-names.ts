// The image references an engine has, as completion offers them after FROM: `repo:tag`, sorted, no
// dangling `<none>` entries. Pure, from GET /images/json.
import type Dockerode from 'dockerode';
import { realTags, type ImageSummary } from '../views/image-nodes.js';

export function imageNames(list: readonly ImageSummary[]): string[] {
  return [...new Set(list.flatMap(realTags))].sort();
}

export async function listImageNames(docker: Dockerode): Promise<string[]> {
  return imageNames((await docker.listImages({ all: false })) as ImageSummary[]);
}
