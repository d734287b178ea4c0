// Which workspace Dockerfile (and target stage) Berth built each image from, kept in the workspace's
// state, so Show Image History can link layers to Dockerfile lines: engines record no Dockerfile.
import type { StateStore } from './options-memory.js';

export interface BuiltFrom {
  dockerfile: string;
  target?: string;
}

const KEY = 'berth.build.images';
const KEEP = 200;

const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

export class BuiltImages {
  constructor(private readonly state: StateStore) {}

  async record(imageId: string, from: BuiltFrom): Promise<void> {
    const all = Object.entries(this.state.get<Record<string, BuiltFrom>>(KEY) ?? {}).filter(([id]) => id !== shortId(imageId));
    all.push([shortId(imageId), from]);
    await this.state.update(KEY, Object.fromEntries(all.slice(-KEEP)));
  }

  find(imageId: string): BuiltFrom | undefined {
    const hit = (this.state.get<Record<string, BuiltFrom>>(KEY) ?? {})[shortId(imageId)];
    return hit && typeof hit.dockerfile === 'string' ? hit : undefined;
  }
}
