// Build arguments with the legacy builder's rules:
// - ARGs before the first FROM are "meta" args: they expand FROM lines, and a stage sees one only
//   after re-declaring it (`ARG NAME`, which then takes the meta value).
// - `--build-arg` values beat ARG defaults; ARG defaults beat meta values.
// - The proxy args (HTTP_PROXY, ...) reach RUN without an ARG line when given, and stay out of the
//   image history unless the Dockerfile declares them.
// - The platform args (TARGETPLATFORM, BUILDARCH, ...) are meta args, as in BuildKit.
// - In a stage, ENV beats ARG of the same name.
import { platformArgs, PROXY_ARGS, type Platform } from '../../dockerfile/expansion/predefined.js';
import { hostPlatform } from '../images/platform.js';

const PROXY = new Set(PROXY_ARGS);

export class BuildArgs {
  /** Declared in the current stage (value: expanded default or null). */
  private readonly allowed = new Map<string, string | null>();

  /**
   * @param meta ARGs before the first FROM (shared by every stage)
   * @param referenced names any stage declared (shared): the rest of the given build args are reported unused
   */
  private constructor(
    private readonly fromOptions: ReadonlyMap<string, string | null>,
    private readonly meta: Map<string, string | null>,
    private readonly referenced: Set<string>,
  ) {}

  /** The args of one build: the given build args and the predefined platform args. */
  static forBuild(fromOptions: ReadonlyMap<string, string | null>, target = '', platform: Platform = hostPlatform()): BuildArgs {
    const meta = new Map<string, string | null>(Object.entries(platformArgs(hostPlatform(), platform, target)));
    return new BuildArgs(fromOptions, meta, new Set());
  }

  /** For a new stage: the meta args, no stage args. */
  forStage(): BuildArgs {
    return new BuildArgs(this.fromOptions, this.meta, this.referenced);
  }

  /** `ARG NAME[=default]` in a stage (default already expanded). */
  addArg(name: string, value: string | null): void {
    this.allowed.set(name, value);
    this.referenced.add(name);
  }

  /** `ARG NAME[=default]` before the first FROM. */
  addMetaArg(name: string, value: string | null): void {
    this.addArg(name, value);
    this.meta.set(name, value);
  }

  private value(name: string, declared: Map<string, string | null>): string | undefined {
    const given = this.fromOptions.get(name);
    if (given !== undefined && given !== null) return given;
    const dflt = declared.get(name);
    if (dflt === undefined || dflt === null) {
      const m = this.meta.get(name);
      return m ?? undefined;
    }
    return dflt;
  }

  private collect(declared: Map<string, string | null>): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of new Set([...declared.keys(), ...PROXY])) {
      if (!declared.has(name) && !PROXY.has(name)) continue;
      const v = declared.has(name) ? this.value(name, declared) : this.fromOptions.get(name) ?? undefined;
      if (v !== undefined) out.set(name, v);
    }
    return out;
  }

  /** Declared args of this stage plus given proxy args, with their values. */
  allAllowed(): Map<string, string> {
    return this.collect(this.allowed);
  }

  /** What FROM lines expand with. */
  allMeta(): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of this.meta.keys()) {
      const v = this.value(name, this.meta);
      if (v !== undefined) out.set(name, v);
    }
    for (const name of PROXY) {
      const given = this.fromOptions.get(name);
      if (given !== undefined && given !== null && !out.has(name)) out.set(name, given);
    }
    return out;
  }

  /** Allowed args that no ENV of `env` overrides, as NAME=value (what RUN gets on top of the env). */
  filterAllowed(env: readonly string[]): string[] {
    const envNames = new Set(env.map((e) => e.split('=', 1)[0]));
    return [...this.allAllowed()].filter(([k]) => !envNames.has(k)).map(([k, v]) => `${k}=${v}`);
  }

  /** Proxy args the Dockerfile did not declare are left out of the image history. */
  isReferencedOrNotBuiltin(name: string): boolean {
    return this.allowed.has(name) || !PROXY.has(name);
  }

  /** Given build args no stage declared (proxy args never count). */
  unused(): string[] {
    return [...this.fromOptions.keys()].filter((k) => !this.referenced.has(k) && !PROXY.has(k)).sort();
  }
}
