// What the engine knows of the images open Dockerfiles are built FROM, asked of the client (the
// extension inspects them with its engine connection; the server never talks to an engine). Kept
// per reference; each answer that changes a reference's facts tells the diagnostics which references
// changed, so only documents built on them are linted again. A client that does not offer the
// request (any editor but VS Code with Berth) is never asked, and every lint stays as without facts.
import type { BaseImageFacts, BaseImageLookup } from '../dockerfile/lint/base-image';
import type { BaseImageAnswer, BaseImagesResult, ImageConfigFacts } from './protocol';

export type AskBaseImages = (references: string[]) => Promise<BaseImagesResult>;

interface Entry {
  readonly image: ImageConfigFacts | null;
  /** The linter's view, made once per answer. */
  readonly facts: BaseImageFacts | undefined;
  /** An images-changed notice came after this answer: ask again when a document wants it. */
  stale: boolean;
}

export interface BaseImagesDeps {
  /** Called with the references whose facts changed (known, gone, or different). */
  changed(references: ReadonlySet<string>): void;
  warn(message: string): void;
}

export class BaseImages {
  private ask: AskBaseImages | null = null;
  private readonly entries = new Map<string, Entry>();
  private readonly asking = new Set<string>();
  private readonly queued = new Set<string>();
  private flushing = false;
  private current: BaseImageLookup = () => undefined;

  constructor(private readonly deps: BaseImagesDeps) {}

  /** The client answers (initializationOptions `baseImages: true`). */
  enable(ask: AskBaseImages): void {
    this.ask = ask;
  }

  get enabled(): boolean {
    return this.ask !== null;
  }

  /** The linter's lookup; a new function whenever the facts change (the linter's caches key on it). */
  get lookup(): BaseImageLookup | undefined {
    return this.ask ? this.current : undefined;
  }

  /** The engine's answer for a reference, for hover; undefined while not known. */
  image(reference: string): ImageConfigFacts | undefined {
    return this.entries.get(reference)?.image ?? undefined;
  }

  /** A document is built on these: ask for those not known (or known before the images changed). */
  want(references: readonly string[]): void {
    if (!this.ask) return;
    for (const r of references) {
      const e = this.entries.get(r);
      if ((!e || e.stale) && !this.asking.has(r)) this.queued.add(r);
    }
    if (this.queued.size && !this.flushing) {
      this.flushing = true;
      // One request for every document opened in the same turn (a session restoring many tabs).
      setImmediate(() => void this.flush());
    }
  }

  /** The engine's images changed: every answer may be stale; `open` are the references open
   *  documents use now (the others are forgotten). */
  imagesChanged(open: readonly string[]): void {
    const keep = new Set(open);
    for (const [r, e] of this.entries) {
      if (keep.has(r)) e.stale = true;
      else this.entries.delete(r);
    }
    this.want(open);
  }

  private async flush(): Promise<void> {
    this.flushing = false;
    const ask = this.ask;
    const refs = [...this.queued];
    this.queued.clear();
    if (!ask || refs.length === 0) return;
    for (const r of refs) this.asking.add(r);
    let answers: readonly BaseImageAnswer[];
    try {
      answers = checkedAnswers(await ask(refs), refs, this.deps.warn);
    } catch (e) {
      // The client could not say: the documents stay linted as without facts.
      this.deps.warn(`berth: could not learn the base images (${refs.join(', ')}): ${e instanceof Error ? e.message : String(e)}`);
      answers = refs.map((reference) => ({ reference, image: null }));
    } finally {
      for (const r of refs) this.asking.delete(r);
    }
    const changed = new Set<string>();
    for (const a of answers) {
      const before = this.entries.get(a.reference);
      const same = before !== undefined && sameImage(before.image, a.image);
      this.entries.set(a.reference, same ? { ...before, stale: false } : { image: a.image, facts: a.image ? lintFacts(a.image) : undefined, stale: false });
      if (!same && (before?.image || a.image)) changed.add(a.reference);
    }
    if (changed.size === 0) return;
    const entries = this.entries;
    this.current = (ref) => entries.get(ref)?.facts;
    this.deps.changed(changed);
  }
}

function sameImage(a: ImageConfigFacts | null, b: ImageConfigFacts | null): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && JSON.stringify(a) === JSON.stringify(b);
}

/** The config as the linter reads it: ENV as a record (the last of a repeated name wins, as in Docker). */
export function lintFacts(image: ImageConfigFacts): BaseImageFacts {
  const env: Record<string, string> = {};
  for (const kv of image.env) {
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return { env, user: image.user, workingDir: image.workingDir, exposedPorts: image.exposedPorts, shell: image.shell };
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function isImageFacts(v: unknown): v is ImageConfigFacts {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.id === 'string' && typeof o.created === 'string' && typeof o.size === 'number'
    && typeof o.os === 'string' && typeof o.architecture === 'string' && typeof o.user === 'string' && typeof o.workingDir === 'string'
    && isStrings(o.env) && isStrings(o.exposedPorts) && isStrings(o.shell) && isStrings(o.entrypoint) && isStrings(o.cmd);
}

/** The client's answer, checked: a reference it did not answer, or answered in another shape, is unknown. */
function checkedAnswers(result: unknown, asked: readonly string[], warn: (m: string) => void): BaseImageAnswer[] {
  const list = (result as { images?: unknown } | null)?.images;
  const byRef = new Map<string, ImageConfigFacts | null>();
  if (Array.isArray(list)) {
    for (const a of list as unknown[]) {
      const o = a as { reference?: unknown; image?: unknown } | null;
      if (typeof o?.reference !== 'string') continue;
      if (o.image === null || isImageFacts(o.image)) byRef.set(o.reference, o.image);
      else warn(`berth: the client's facts for ${o.reference} are not an ImageConfigFacts; ignored`);
    }
  } else {
    warn(`berth: berth/baseImages answered ${JSON.stringify(result)?.slice(0, 200)}, not {images: [...]}`);
  }
  return asked.map((reference) => ({ reference, image: byRef.get(reference) ?? null }));
}
