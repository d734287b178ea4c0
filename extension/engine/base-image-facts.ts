// Answers the language server's berth/baseImages request: what the connected engine knows of the
// images Dockerfiles are built FROM, read from `GET /images/{name}/json` (docker image inspect). The
// engine is asked as little as possible: one image list per change of the engine's images, maps the
// references to image ids (an image the engine does not have costs no inspect), and each image id is
// inspected once. No VS Code imports, so it runs in plain Node (and against a real engine in tests).
import type { BaseImageAnswer, ImageConfigFacts } from '../language-protocol.js';
import { realTags, type ImageSummary } from '../views/image-nodes.js';

/** The parts of GET /images/{name}/json read here (dockerode's ImageInspectInfo has more). */
export interface ImageInspect {
  Id: string;
  Created?: string;
  Size?: number;
  Os?: string;
  Architecture?: string;
  Config?: {
    Env?: string[] | null;
    User?: string;
    WorkingDir?: string;
    ExposedPorts?: Record<string, unknown> | null;
    Shell?: string[] | null;
    Entrypoint?: string | string[] | null;
    Cmd?: string | string[] | null;
  } | null;
}

/** What the resolver needs of an engine client; dockerode's client is one. */
export interface ImageEngine {
  listImages(options: { all: boolean }): Promise<ImageSummary[]>;
  getImage(name: string): { inspect(): Promise<ImageInspect> };
}

/** `node` -> `node:latest`, `docker.io/library/node:22` -> `node:22`: the form engines list tags in.
 *  A digest reference is left as it is (looked up by inspect, not in the tag list). */
export function familiarReference(ref: string): string {
  let r = ref.trim();
  if (r.includes('@')) return r;
  r = r.replace(/^(?:index\.docker\.io|registry-1\.docker\.io)\//, 'docker.io/');
  if (r.startsWith('docker.io/')) {
    r = r.slice('docker.io/'.length);
    if (r.startsWith('library/') && r.split('/').length === 2) r = r.slice('library/'.length);
  }
  const slash = r.lastIndexOf('/');
  return r.lastIndexOf(':') > slash ? r : `${r}:latest`;
}

const strings = (v: string | string[] | null | undefined): string[] => (v == null ? [] : typeof v === 'string' ? [v] : v.filter((x) => typeof x === 'string'));

/** The image config as the protocol carries it. */
export function imageConfigFacts(info: ImageInspect): ImageConfigFacts {
  const c = info.Config ?? {};
  return {
    id: info.Id,
    created: info.Created ?? '',
    size: typeof info.Size === 'number' ? info.Size : 0,
    os: info.Os ?? '',
    architecture: info.Architecture ?? '',
    env: strings(c.Env),
    user: c.User ?? '',
    workingDir: c.WorkingDir ?? '',
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    shell: strings(c.Shell),
    entrypoint: strings(c.Entrypoint),
    cmd: strings(c.Cmd),
  };
}

export class BaseImageResolver {
  /** Familiar tag -> image id, from the engine's last image list; null: list again. */
  private tags: Map<string, string> | null = null;
  private listing: Promise<Map<string, string>> | null = null;
  private readonly byId = new Map<string, ImageConfigFacts>();
  private readonly inspecting = new Map<string, Promise<ImageConfigFacts | null>>();
  /** Bumped by every invalidate: a list made before it is not kept. */
  private epoch = 0;

  /** `engine`: the connected engine's client now (undefined: not connected, every answer is null). */
  constructor(private readonly engine: () => ImageEngine | undefined, private readonly log: (line: string) => void = () => undefined) {}

  /** The engine's images changed (or the engine did): list them again at the next request. */
  invalidate(): void {
    this.epoch++;
    this.tags = null;
    this.listing = null;
  }

  async resolve(references: readonly string[]): Promise<BaseImageAnswer[]> {
    const engine = this.engine();
    if (!engine) return references.map((reference) => ({ reference, image: null }));
    let tags: Map<string, string>;
    try {
      tags = await this.tagMap(engine);
    } catch (e) {
      this.log(`Could not list the engine's images for the Dockerfile base images: ${message(e)}`);
      return references.map((reference) => ({ reference, image: null }));
    }
    return Promise.all(references.map(async (reference) => ({ reference, image: await this.facts(engine, tags, reference) })));
  }

  private async facts(engine: ImageEngine, tags: Map<string, string>, reference: string): Promise<ImageConfigFacts | null> {
    const name = familiarReference(reference);
    const id = tags.get(name);
    if (!id && !name.includes('@')) return null;
    const cached = id ? this.byId.get(id) : undefined;
    if (cached) return cached;
    // Two references to one image (`node:22`, `node:lts`) asked together: one inspect.
    const key = id ?? name;
    let pending = this.inspecting.get(key);
    if (!pending) {
      pending = this.inspect(engine, key, reference).finally(() => this.inspecting.delete(key));
      this.inspecting.set(key, pending);
    }
    return pending;
  }

  private async inspect(engine: ImageEngine, name: string, reference: string): Promise<ImageConfigFacts | null> {
    try {
      const facts = imageConfigFacts(await engine.getImage(name).inspect());
      this.byId.set(facts.id, facts);
      return facts;
    } catch (e) {
      // 404 for a digest the engine does not have; anything else is worth a line in the log.
      if ((e as { statusCode?: number }).statusCode !== 404) this.log(`Could not inspect ${reference} for the Dockerfile language server: ${message(e)}`);
      return null;
    }
  }

  private tagMap(engine: ImageEngine): Promise<Map<string, string>> {
    if (this.tags) return Promise.resolve(this.tags);
    if (!this.listing) {
      const epoch = this.epoch;
      this.listing = engine.listImages({ all: false }).then((list) => {
        const map = new Map<string, string>();
        for (const img of list) for (const t of realTags(img)) map.set(familiarReference(t), img.Id);
        // Facts of images no longer listed are let go.
        const live = new Set(map.values());
        for (const id of this.byId.keys()) if (!live.has(id)) this.byId.delete(id);
        if (epoch === this.epoch) this.tags = map;
        return map;
      }).finally(() => {
        if (epoch === this.epoch) this.listing = null;
      });
    }
    return this.listing;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
