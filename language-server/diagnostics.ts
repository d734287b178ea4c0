// Diagnostics while typing. Opening a document lints it at once; edits are debounced per document.
// A newer version cancels whatever is still running for an older one (its results are dropped and
// its ShellCheck request withdrawn). The linter's findings are published as soon as they exist,
// never waiting for ShellCheck: its scripts are cut from the lint's analyses at once (then those are
// let go), and its findings follow in a second publish, made in a quiet moment (IdleGate), from the
// runner's per-script cache or a low-priority process (ShellcheckRunner).
// Base images' facts (from the engine, through the client) are never waited for either: a document is
// linted with what is known, the references it is built on are asked for after its first publish, and
// when their facts arrive it is linted again and published only if its findings changed.
import type { Diagnostic } from 'vscode-languageserver';
import type { DockerfileAst } from '../dockerfile/syntax/ast';
import type { BaseImageLookup } from '../dockerfile/lint/base-image';
import { ShellParseCache } from '../dockerfile/lint/shell/parse-cache';
import type { ShellcheckScripts } from '../dockerfile/lint/shellcheck';
import type { ShellcheckComment } from '../dockerfile/lint/shellcheck-process';
import type { Finding, HadolintConfig, LintOptions, SeverityOrOff } from '../dockerfile/lint/types';
import type { ParsedDocument } from './documents';
import type { ErrorLog } from './guard';
import type { DockerfileSettings } from './protocol';
import type { RuleDocs } from './rule-docs';
import type { SettingsCache } from './settings';
import { toDiagnostic } from './to-diagnostic';

export interface Linters {
  /** `onRuleError`: a rule threw (its findings are dropped, the others kept). */
  lint(ast: DockerfileAst, options: LintOptions, onRuleError?: (ruleId: string, error: unknown) => void): Finding[];
  /** The scripts ShellCheck is to check in this document, and how its comments become findings. */
  shellcheckScripts(ast: DockerfileAst, options: LintOptions): ShellcheckScripts;
  /** The document's tree stays, the analyses lint and shellcheckScripts shared can go. */
  release(ast: DockerfileAst): void;
  /** The error says ShellCheck cannot run at all (missing, not executable): tell the user once. */
  isUnavailable(e: unknown): boolean;
  /** The images the document's stages are built FROM (expanded references, no stages or scratch). */
  baseImageReferences?(ast: DockerfileAst, options: LintOptions): string[];
}

/** Base images' facts as far as known (BaseImages in the server); `lookup` undefined: never asked. */
export interface BaseImageSource {
  readonly lookup: BaseImageLookup | undefined;
  want(references: readonly string[]): void;
}

/** ShellCheck's comments per script text (ShellcheckRunner in the server). */
export interface ShellcheckChecker {
  /** The executable is known to be missing (already told): skip ShellCheck's work. */
  knownMissing(executable: string): boolean;
  check(texts: readonly string[], executable: string, signal: AbortSignal): Promise<readonly (readonly ShellcheckComment[])[]>;
}

/** Lets deferrable work wait for a quiet moment (IdleGate in the server). */
export interface Quiet {
  whenIdle(signal?: AbortSignal): Promise<void>;
}

/** The open documents, as the service needs them (DocumentStore in the server). */
export interface OpenDocuments {
  get(uri: string): ParsedDocument | undefined;
  all(): readonly { readonly uri: string }[];
}

export interface DiagnosticsDeps {
  readonly documents: OpenDocuments;
  readonly settings: Pick<SettingsCache, 'get'>;
  /** The .hadolint.yaml that applies to a document (undefined: none). */
  hadolintConfig(uri: string): HadolintConfig | undefined;
  readonly linters: Linters;
  readonly shellcheck: ShellcheckChecker;
  readonly quiet: Quiet;
  readonly docs: RuleDocs;
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  readonly log: ErrorLog;
  /** Shown to the user (once per distinct message): ShellCheck cannot run. */
  notify(message: string): void;
  /** Delay after an edit before linting; 0 lints on every change. */
  readonly debounceMs: number;
  readonly baseImages?: BaseImageSource;
}

interface DocState {
  generation: number;
  timer: NodeJS.Timeout | null;
  abort: AbortController | null;
  /** Findings of the last completed lint, for code actions. */
  version: number;
  findings: Finding[];
  /** ShellCheck's findings last published, and the text of each one's line (for carrying them over). */
  shellcheck: { findings: Finding[]; lineTexts: string[] } | null;
  /** RUN commands parsed by the last lint, reused by the next one while the document is edited.
   *  Made at the first edit: a document only opened does not keep them (a quarter of what each
   *  open document keeps on the heap, and every young-generation GC copies what survives). */
  shellParses: ShellParseCache | null;
  /** The linter's findings last published (without ShellCheck's). */
  lint: Finding[];
  /** The base images the last lint found (asked of the client when it answers such questions). */
  references: readonly string[];
}

/** What ShellCheck's second publish needs of the version the linter saw. */
interface LintedVersion {
  readonly version: number;
  readonly lines: readonly string[];
  readonly lintFindings: Finding[];
  /** ShellCheck's earlier findings shown meanwhile. */
  readonly carried: Finding[];
  readonly scripts: ShellcheckScripts;
  readonly executable: string;
}

const SEVERITY_FROM_SETTING: Record<DockerfileSettings['rules'][string], SeverityOrOff> = {
  error: 'error', warning: 'warning', info: 'info', hint: 'style', off: 'ignore',
};

export class DiagnosticsService {
  private readonly state = new Map<string, DocState>();
  private readonly told = new Set<string>();
  /** The linter's reading of each settings object's rules, made once (settings objects are cached until they change). */
  private readonly overrides = new WeakMap<DockerfileSettings, Record<string, SeverityOrOff>>();

  constructor(private readonly deps: DiagnosticsDeps) {}

  private stateOf(uri: string): DocState {
    let s = this.state.get(uri);
    if (!s) {
      s = { generation: 0, timer: null, abort: null, version: -1, findings: [], shellcheck: null, shellParses: null, lint: [], references: [] };
      this.state.set(uri, s);
    }
    return s;
  }

  opened(uri: string): void {
    this.schedule(uri, 0);
  }

  changed(uri: string): void {
    this.stateOf(uri).shellParses ??= new ShellParseCache();
    this.schedule(uri, this.deps.debounceMs);
  }

  closed(uri: string): void {
    const s = this.state.get(uri);
    if (s) this.cancel(s);
    this.state.delete(uri);
    this.deps.publish(uri, undefined, []);
  }

  /** Settings or .hadolint.yaml changed: lint every open document again. */
  refreshAll(): void {
    for (const doc of this.deps.documents.all()) {
      // Severities may have changed: ShellCheck's earlier findings are not carried over.
      this.stateOf(doc.uri).shellcheck = null;
      this.schedule(doc.uri, 0);
    }
  }

  /** Facts of these base images changed: lint the documents built on them again, publishing only
   *  what changes. */
  baseImagesChanged(references: ReadonlySet<string>): void {
    for (const [uri, s] of this.state) {
      if (s.references.some((r) => references.has(r))) this.schedule(uri, 0, true);
    }
  }

  /** Every base image the open documents are built on (as their last lints found). */
  baseImageReferences(): string[] {
    const out = new Set<string>();
    for (const s of this.state.values()) for (const r of s.references) out.add(r);
    return [...out];
  }

  /** Findings published for this version of the document (empty when not linted yet). */
  findings(uri: string, version: number): readonly Finding[] {
    const s = this.state.get(uri);
    return s && s.version === version ? s.findings : [];
  }

  private cancel(s: DocState): void {
    s.generation++;
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    s.abort?.abort();
    s.abort = null;
  }

  /** `onlyIfChanged`: the text did not change (new base image facts), so the same findings need no publish. */
  private schedule(uri: string, delay: number, onlyIfChanged = false): void {
    const s = this.stateOf(uri);
    this.cancel(s);
    const generation = s.generation;
    const go = () => {
      s.timer = null;
      this.run(uri, s, generation, onlyIfChanged).catch((e) => this.deps.log.error(`berth: linting ${uri} failed: ${e instanceof Error ? e.stack : String(e)}`));
    };
    if (delay <= 0) go();
    else s.timer = setTimeout(go, delay);
  }

  private async run(uri: string, s: DocState, generation: number, onlyIfChanged = false): Promise<void> {
    const doc = this.deps.documents.get(uri);
    if (!doc) return;
    const settings = await this.deps.settings.get(uri);
    if (s.generation !== generation) return;
    const hadolint = this.deps.hadolintConfig(uri);
    const severityOverrides = this.severityOverrides(settings);
    const baseImages = this.deps.baseImages?.lookup;
    const options: LintOptions = baseImages ? { severityOverrides, hadolint, baseImages } : { severityOverrides, hadolint };
    const lintFindings = this.deps.linters.lint(doc.ast, s.shellParses ? { ...options, shellParses: s.shellParses } : options, (ruleId, e) =>
      this.deps.log.error(`berth: rule ${ruleId} failed on ${uri}: ${e instanceof Error ? e.stack : String(e)}`));
    const carried = settings.shellcheck.enable ? this.carried(s, doc.ast) : [];
    if (!(onlyIfChanged && s.version === doc.version && sameFindings(lintFindings, s.lint))) this.publish(uri, doc.version, s, lintFindings, carried);
    if (baseImages) {
      // After the publish: asking costs the first one nothing.
      s.references = this.deps.linters.baseImageReferences?.(doc.ast, options) ?? [];
      this.deps.baseImages!.want(s.references);
    }
    if (!settings.shellcheck.enable || this.deps.shellcheck.knownMissing(settings.shellcheck.path)) {
      s.shellcheck = null;
      this.deps.linters.release(doc.ast);
      return;
    }
    // The scripts are made now, from the analyses the lint just did (a fraction of its cost), so
    // those need not be kept while ShellCheck waits; the rest waits for a quiet moment.
    const scripts = this.deps.linters.shellcheckScripts(doc.ast, options);
    this.deps.linters.release(doc.ast);
    if (scripts.texts.length === 0) {
      s.shellcheck = null;
      if (carried.length) this.publish(uri, doc.version, s, lintFindings, []);
      return;
    }
    // The lines, not the tree, wait with ShellCheck (a method of its own, returned rather than
    // awaited, so no suspended frame holds the tree): the store lets trees of documents not used
    // lately go (documents.ts), and ShellCheck's queue can hold hundreds of documents.
    return this.shellcheckLater(uri, s, generation, { version: doc.version, lines: doc.ast.lines, lintFindings, carried, scripts, executable: settings.shellcheck.path });
  }

  /** ShellCheck's findings for a linted version, in a quiet moment, published when they add something. */
  private async shellcheckLater(uri: string, s: DocState, generation: number, linted: LintedVersion): Promise<void> {
    const { version, lines, lintFindings, carried, scripts } = linted;
    const abort = new AbortController();
    s.abort = abort;
    let sc: Finding[];
    try {
      await this.deps.quiet.whenIdle(abort.signal);
      if (s.generation !== generation) return;
      sc = scripts.findings(await this.deps.shellcheck.check(scripts.texts, linted.executable, abort.signal));
      if (s.generation !== generation) return;
      // Publishing is the editor's work too: in a quiet moment.
      await this.deps.quiet.whenIdle(abort.signal);
    } catch (e) {
      if (abort.signal.aborted || s.generation !== generation) return;
      if (!this.deps.linters.isUnavailable(e)) throw e;
      const message = `${e instanceof Error ? e.message : String(e)} (setting berth.dockerfile.shellcheck.path; turn it off with berth.dockerfile.shellcheck.enable)`;
      if (!this.told.has(message)) {
        this.told.add(message);
        this.deps.notify(message);
      }
      return;
    } finally {
      if (s.abort === abort) s.abort = null;
    }
    if (s.generation !== generation) return;
    s.shellcheck = { findings: sc, lineTexts: sc.map((f) => lines[f.range.start.line] ?? '') };
    // Nothing new to show (no RUN, or the same findings as carried over): no second publish.
    if (sameFindings(sc, carried)) return;
    this.publish(uri, version, s, lintFindings, sc);
  }

  private severityOverrides(settings: DockerfileSettings): Record<string, SeverityOrOff> {
    let o = this.overrides.get(settings);
    if (!o) {
      o = {};
      for (const [id, v] of Object.entries(settings.rules)) o[id] = SEVERITY_FROM_SETTING[v];
      this.overrides.set(settings, o);
    }
    return o;
  }

  /** While ShellCheck re-runs, keep showing its earlier findings whose line is unchanged (no flicker). */
  private carried(s: DocState, ast: DockerfileAst): Finding[] {
    const prev = s.shellcheck;
    if (!prev) return [];
    return prev.findings.filter((f, i) => ast.lines[f.range.start.line] === prev.lineTexts[i]);
  }

  private publish(uri: string, version: number, s: DocState, lintFindings: Finding[], shellcheck: Finding[]): void {
    s.version = version;
    s.lint = lintFindings;
    s.findings = shellcheck.length ? [...lintFindings, ...shellcheck] : lintFindings;
    this.deps.publish(uri, version, s.findings.map((f) => toDiagnostic(f, this.deps.docs)));
  }
}

function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const y = b[k];
    if (x.ruleId !== y.ruleId || x.severity !== y.severity || x.message !== y.message
      || x.range.start.line !== y.range.start.line || x.range.start.character !== y.range.start.character
      || x.range.end.line !== y.range.end.line || x.range.end.character !== y.range.end.character) return false;
  }
  return true;
}
