// Build options remembered per Dockerfile in the workspace's state, as Build Image's options step
// leaves them. Secrets are kept as where their values come from (env= / src=), never as values.
import { coerceOptions, type BuildOptions } from './build-options.js';

/** The slice of vscode.Memento this needs (so it is tested without VS Code). */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = 'berth.build.options';

export class BuildOptionsMemory {
  constructor(private readonly state: StateStore) {}

  /** The options last used for this Dockerfile, or undefined the first time. */
  get(dockerfileKey: string, fallbackTag: string): BuildOptions | undefined {
    const all = this.state.get<Record<string, unknown>>(KEY) ?? {};
    return dockerfileKey in all ? coerceOptions(all[dockerfileKey], fallbackTag) : undefined;
  }

  async set(dockerfileKey: string, options: BuildOptions): Promise<void> {
    const all = { ...(this.state.get<Record<string, unknown>>(KEY) ?? {}) };
    all[dockerfileKey] = options;
    await this.state.update(KEY, all);
  }
}
