// ShellCheck for the open documents, kept off the editor's way:
// - results are cached per script text (a bounded LRU), so an edit outside a RUN, or in another
//   RUN, does not check the unchanged ones again;
// - at most `concurrency` shellcheck processes run at once, whatever the number of documents; the
//   scripts documents asked for meanwhile go together into the next process, newest first;
// - a request whose signal aborts (its document changed) is dropped, and a process nobody waits
//   for any more is killed;
// - a missing ShellCheck is found by looking at PATH, without starting a process per document.
import type { ShellcheckComment } from '../dockerfile/lint/shellcheck-process';

export interface ShellcheckRunnerDeps {
  /** One shellcheck process over `scripts`; one comment list per script. */
  run(scripts: readonly string[], options: { executable: string; signal: AbortSignal }): Promise<ShellcheckComment[][]>;
  /** The file to run for the `executable` setting, or the error to tell the user. */
  locate(executable: string): { readonly path: string } | { readonly error: Error };
  readonly concurrency?: number;
  readonly cacheSize?: number;
  /** Scripts per process, so one answer is never large enough to stall the server reading it. */
  readonly maxScriptsPerRun?: number;
  /** How long a "not found" is believed before PATH is looked at again (ms). */
  readonly locateTtlMs?: number;
  readonly now?: () => number;
}

type Comments = readonly ShellcheckComment[];

interface Request {
  readonly executable: string;
  readonly texts: readonly string[];
  /** Texts not in the cache when asked, each once. */
  readonly missing: readonly string[];
  readonly signal: AbortSignal;
  readonly resolve: (comments: Comments[]) => void;
  readonly reject: (e: unknown) => void;
  readonly onAbort: () => void;
  batch: Batch | null;
}

interface Batch {
  readonly requests: Set<Request>;
  readonly abort: AbortController;
}

const NO_COMMENTS: Comments = [];

export class ShellcheckRunner {
  private readonly cache = new Map<string, Comments>();
  private readonly located = new Map<string, { result: { path: string } | { error: Error }; at: number }>();
  private readonly pending: Request[] = [];
  private readonly running = new Set<Batch>();
  private readonly concurrency: number;
  private readonly cacheSize: number;
  private readonly maxScripts: number;
  private readonly now: () => number;

  constructor(private readonly deps: ShellcheckRunnerDeps) {
    this.concurrency = Math.max(1, deps.concurrency ?? 1);
    this.cacheSize = deps.cacheSize ?? 4000;
    this.maxScripts = deps.maxScriptsPerRun ?? 64;
    this.now = deps.now ?? Date.now;
  }

  /** ShellCheck's comments for each text, from the cache or a process; rejects when `signal`
   *  aborts first or ShellCheck cannot run. */
  check(texts: readonly string[], executable: string, signal: AbortSignal): Promise<Comments[]> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const where = this.locate(executable);
    if ('error' in where) return Promise.reject(where.error);
    const missing = new Set<string>();
    const hits: Comments[] = [];
    for (const t of texts) {
      const c = this.cached(executable, t);
      if (c) hits.push(c);
      else missing.add(t);
    }
    if (missing.size === 0) return Promise.resolve(hits);
    return new Promise<Comments[]>((resolve, reject) => {
      const request: Request = {
        executable, texts, missing: [...missing], signal, resolve, reject, batch: null,
        onAbort: () => this.dropped(request),
      };
      signal.addEventListener('abort', request.onAbort, { once: true });
      this.pending.push(request);
      this.pump();
    });
  }

  /** True when the executable was looked for recently and is not there: callers skip the work
   *  of building scripts for nobody (the user was told when it was first found missing). */
  knownMissing(executable: string): boolean {
    const known = this.located.get(executable);
    return !!known && 'error' in known.result && this.now() - known.at < (this.deps.locateTtlMs ?? 30_000);
  }

  /** Settings changed (a new path, ShellCheck installed): look for the executable again. */
  forgetLocations(): void {
    this.located.clear();
  }

  /** Processes running now (for tests and the benchmark). */
  get runningCount(): number {
    return this.running.size;
  }

  private locate(executable: string): { path: string } | { error: Error } {
    const known = this.located.get(executable);
    if (known && ('path' in known.result || this.now() - known.at < (this.deps.locateTtlMs ?? 30_000))) return known.result;
    const result = this.deps.locate(executable);
    this.located.set(executable, { result, at: this.now() });
    return result;
  }

  private key(executable: string, text: string): string {
    return `${executable}\u0000${text}`;
  }

  private cached(executable: string, text: string): Comments | undefined {
    const k = this.key(executable, text);
    const c = this.cache.get(k);
    if (c) {
      // Least recently used goes first: a hit moves to the end.
      this.cache.delete(k);
      this.cache.set(k, c);
    }
    return c;
  }

  private remember(executable: string, text: string, comments: Comments): void {
    const k = this.key(executable, text);
    this.cache.delete(k);
    this.cache.set(k, comments.length ? comments : NO_COMMENTS);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  private dropped(request: Request): void {
    const k = this.pending.indexOf(request);
    if (k !== -1) this.pending.splice(k, 1);
    const batch = request.batch;
    if (batch) {
      batch.requests.delete(request);
      // Nobody waits for this process any more: stop it.
      if (batch.requests.size === 0) batch.abort.abort();
    }
    request.reject(request.signal.reason);
  }

  private settle(request: Request, result: { comments: Comments[] } | { error: unknown }): void {
    request.signal.removeEventListener('abort', request.onAbort);
    if ('error' in result) request.reject(result.error);
    else request.resolve(result.comments);
  }

  /** Every text's comments, when all are known now (cache, or the batch just finished). */
  private answer(request: Request, fresh?: ReadonlyMap<string, Comments>): Comments[] | null {
    const out: Comments[] = [];
    for (const t of request.texts) {
      const c = fresh?.get(t) ?? this.cached(request.executable, t);
      if (!c) return null;
      out.push(c);
    }
    return out;
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.pending.length > 0) {
      // The newest request first: the document just opened or edited is the one being looked at.
      const executable = this.pending[this.pending.length - 1].executable;
      const requests: Request[] = [];
      const texts = new Set<string>();
      for (let k = this.pending.length - 1; k >= 0; k--) {
        const r = this.pending[k];
        if (r.executable !== executable) continue;
        // Answered meanwhile by an earlier process (same scripts in another document).
        const ready = this.answer(r);
        if (ready) {
          this.pending.splice(k, 1);
          this.settle(r, { comments: ready });
          continue;
        }
        const more = r.missing.filter((t) => !texts.has(t) && !this.cache.has(this.key(executable, t)));
        if (requests.length > 0 && texts.size + more.length > this.maxScripts) continue;
        this.pending.splice(k, 1);
        requests.push(r);
        for (const t of more) texts.add(t);
      }
      if (requests.length === 0) continue;
      const where = this.locate(executable);
      if ('error' in where) {
        for (const r of requests) this.settle(r, { error: where.error });
        continue;
      }
      const batch: Batch = { requests: new Set(requests), abort: new AbortController() };
      for (const r of requests) r.batch = batch;
      this.running.add(batch);
      void this.launch(batch, executable, where.path, [...texts]);
    }
  }

  private async launch(batch: Batch, executable: string, file: string, texts: string[]): Promise<void> {
    let result: { comments: Comments[] } | { error: unknown };
    try {
      const comments = texts.length ? await this.deps.run(texts, { executable: file, signal: batch.abort.signal }) : [];
      const fresh = new Map<string, Comments>();
      texts.forEach((t, k) => {
        fresh.set(t, comments[k] ?? NO_COMMENTS);
        this.remember(executable, t, comments[k] ?? NO_COMMENTS);
      });
      this.running.delete(batch);
      for (const r of batch.requests) {
        const answer = this.answer(r, fresh);
        // Evicted before it could be read (a tiny cache): ask again.
        if (answer) this.settle(r, { comments: answer });
        else {
          r.batch = null;
          this.pending.push(r);
        }
      }
      return;
    } catch (e) {
      result = { error: e };
    } finally {
      this.running.delete(batch);
      this.pump();
    }
    // Killed because nobody waited: those requests were rejected when they were dropped.
    if (batch.abort.signal.aborted) return;
    for (const r of batch.requests) this.settle(r, result);
  }
}
