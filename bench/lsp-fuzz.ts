// Fuzzes the language server: mutated corpus Dockerfiles through every request kind.
//   npm run bench -- lsp-fuzz [inputs=100000] [stdio-inputs=300] [seed=1]
// In-process part: each input is parsed and linted, then every feature function answers requests
// at random positions (hover, completion, signature help, definition, references, highlight,
// prepareRename/rename, symbols, folding, links, formatting document/range/on type, semantic tokens
// full/range/delta, code actions incl. fix-all and "ignore on this line"). Any exception is counted
// (the target is 0) and the time of every call is recorded (max and median per kind).
// Stdio part: a slice of the inputs goes through the built server (dist/language-server.js; run
// `node scripts/build.mjs` first) as a real client would send them; error responses, server-side
// "failed" log lines and a dead server are counted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentSymbol, TextEdit } from 'vscode-languageserver';
import type { DockerfileAst, Instruction, Position, Range } from '../dockerfile/syntax/ast';
import { dockerfileLibrary } from '../language-server/library';
import { codeActions, fixAll } from '../language-server/features/code-actions';
import { completion } from '../language-server/features/completion';
import { definition } from '../language-server/features/definition';
import { foldingRanges } from '../language-server/features/folding';
import { formatDocument, formatOnType, formatRange } from '../language-server/features/formatting';
import { hover } from '../language-server/features/hover';
import { documentLinks } from '../language-server/features/links';
import { documentHighlights, references } from '../language-server/features/references';
import { prepareRename, rename } from '../language-server/features/rename';
import { SemanticTokensCache, semanticTokensFull, semanticTokensRange } from '../language-server/features/semantic-tokens';
import { signatureHelp } from '../language-server/features/signature-help';
import { documentSymbols } from '../language-server/features/symbols';
import { LspClient } from '../test/language-server/lsp-client';
import { seededRandom } from '../test/helpers/seeded-random.js';

const CORPUS = '/work/shared/corpus/dockerfiles';
const BUNDLE = path.resolve(__dirname, '..', 'dist', 'language-server.js');

// Fragments that stress the parser's corners: continuations, heredocs, quotes, JSON, flags,
// variables with modifiers, directives, pragmas, odd whitespace and characters.
const FRAGMENTS = [
  '\\', '\\\n', '`', '\n', '\r\n', '\r', '\t', ' ', '"', "'", '[', ']', '["a", "b"]', '[\'a\']', '{', '}', '$', '${', '${A:-b}', '${A:?', '${A/x/y}', '$$',
  '<<EOF', '<<-EOT\n\tx\n\tEOT', '<<"EOF"\nbody $X\nEOF', 'EOF', '--mount=', '--mount=type=cache,target=/x,from=', '--from=', '--from=0', '--network=', '--platform=$BUILDPLATFORM',
  '--chmod=0755', '--link', '--', '-', '=', ':', '@sha256:', ' AS ', ' as b ', '#', '# syntax=docker/dockerfile:1\n', '# escape=`\n', '# check=skip=all;error=true\n',
  '# hadolint ignore=DL3008\n', 'ONBUILD ', 'ONBUILD ONBUILD ', 'FROM ', 'FROM scratch\n', 'RUN ', 'COPY ', 'HEALTHCHECK ', 'CMD ', 'ARG ', 'ENV ', 'LABEL ', 'EXPOSE 80/tcp ', 'USER ',
  'SHELL ["/bin/bash", "-c"]\n', '\u00e9', '\ud83d\ude00', '\ufeff', '\u0000', '\\\\', '\\ \n', '\n\n\n', '&&', '|', ';', '\\\n# comment\n', '\\\n\n',
];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  let t = text;
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const lines = t.split('\n');
    const at = Math.floor(rnd() * (t.length + 1));
    const li = Math.floor(rnd() * lines.length);
    switch (Math.floor(rnd() * 10)) {
      case 0: t = t.slice(0, at) + pick(FRAGMENTS) + t.slice(at); break;
      case 1: t = t.slice(0, at) + t.slice(at + Math.floor(rnd() * 40)); break;
      case 2: lines.splice(li, 1); t = lines.join('\n'); break;
      case 3: lines.splice(li, 0, lines[Math.floor(rnd() * lines.length)] ?? ''); t = lines.join('\n'); break;
      case 4: { const j = Math.floor(rnd() * lines.length); [lines[li], lines[j]] = [lines[j], lines[li]]; t = lines.join('\n'); break; }
      case 5: t = t.slice(0, at); break;
      case 6: lines[li] = rnd() < 0.5 ? (lines[li] ?? '').toLowerCase() : (lines[li] ?? '').toUpperCase(); t = lines.join('\n'); break;
      case 7: t = t.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + t.slice(at); break;
      case 8: lines[li] = (lines[li] ?? '') + ' \\'; t = lines.join('\n'); break;
      default: { const f = pick(FRAGMENTS); t = t.slice(0, at) + f.repeat(1 + Math.floor(rnd() * 5)) + t.slice(at); }
    }
  }
  return t;
}

function randomPosition(ast: DockerfileAst, rnd: () => number): Position {
  const line = Math.floor(rnd() * (ast.lines.length + 1));
  const len = ast.lines[line]?.length ?? 0;
  return { line, character: Math.floor(rnd() * (len + 2)) };
}

class Timings {
  private readonly times = new Map<string, number[]>();
  /** The slowest call of each kind, kept to re-time it alone: a one-off pause (GC, a busy machine)
   *  is not the input's cost. */
  private readonly slowest = new Map<string, { ms: number; call: () => unknown }>();
  exceptions = 0;
  readonly examples: string[] = [];

  run<T>(kind: string, f: () => T, input: string): T | undefined {
    const t0 = performance.now();
    try {
      return f();
    } catch (e) {
      this.exceptions++;
      if (this.examples.length < 5) this.examples.push(`${kind}: ${e instanceof Error ? e.stack : String(e)}\n--- input ---\n${input.slice(0, 400)}`);
      return undefined;
    } finally {
      const dt = performance.now() - t0;
      let list = this.times.get(kind);
      if (!list) this.times.set(kind, (list = []));
      list.push(dt);
      if (dt > (this.slowest.get(kind)?.ms ?? -1)) this.slowest.set(kind, { ms: dt, call: f });
    }
  }

  /** Best of 5 re-runs of each kind's slowest call. */
  private retime(kind: string): number {
    const s = this.slowest.get(kind);
    if (!s) return 0;
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      try { s.call(); } catch { /* counted already */ }
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  }

  table(): Record<string, { calls: number; median_ms: string; p99_ms: string; max_ms: string; slowest_input_again_ms: string }> {
    const out: Record<string, { calls: number; median_ms: string; p99_ms: string; max_ms: string; slowest_input_again_ms: string }> = {};
    for (const [k, v] of [...this.times].sort()) {
      const s = Float64Array.from(v).sort();
      out[k] = {
        calls: s.length,
        median_ms: s[Math.floor(s.length / 2)].toFixed(3),
        p99_ms: s[Math.floor(s.length * 0.99)].toFixed(3),
        max_ms: s[s.length - 1].toFixed(2),
        slowest_input_again_ms: this.retime(k).toFixed(2),
      };
    }
    return out;
  }
}

const FORMAT = { tabSize: 4, insertSpaces: true };

/** Properties a client relies on; a violation is a bug even without an exception. */
class Checks {
  violations = 0;
  readonly examples: string[] = [];

  private fail(what: string, input: string): void {
    this.violations++;
    if (this.examples.length < 5) this.examples.push(`${what}\n--- input ---\n${input.slice(0, 400)}`);
  }

  /** Children inside their parent, selectionRange inside range (VS Code drops the tree otherwise). */
  symbols(list: readonly DocumentSymbol[], input: string, parent?: DocumentSymbol): void {
    for (const s of list) {
      if (!inside(s.selectionRange, s.range)) this.fail(`symbol ${s.name}: selectionRange outside range`, input);
      if (parent && !inside(s.range, parent.range)) this.fail(`symbol ${s.name}: outside its parent ${parent.name}`, input);
      if (s.children) this.symbols(s.children, input, s);
    }
  }

  /** Edits apply (no overlaps), keep every instruction and its arguments, and a second pass has nothing to do. */
  formatting(parse: (t: string) => DockerfileAst, ast: DockerfileAst, edits: TextEdit[], input: string): void {
    let out: string;
    try {
      out = TextDocument.applyEdits(TextDocument.create('file:///f', 'dockerfile', 1, input), edits);
    } catch (e) {
      this.fail(`formatting edits do not apply: ${String(e)}`, input);
      return;
    }
    const after = parse(out);
    // Keywords compare upper-cased (the builder reads them case-insensitively: the instruction,
    // FROM's AS, HEALTHCHECK's CMD/NONE); everything else exactly.
    const word = (i: Instruction, w: string, k: number): string =>
      (i.keyword === 'FROM' && /^as$/i.test(w)) || (i.keyword === 'HEALTHCHECK' && k === 0) ? w.toUpperCase() : w;
    const one = (i: Instruction): string => `${i.keyword.toUpperCase()} ${i.flags.map((f) => f.name + '=' + f.value).join(' ')} ${i.onbuild ? one(i.onbuild) : i.words.map((w, k) => word(i, w.value, k)).join(' ')} ${i.heredocs.map((h) => h.content).join('|')}`;
    const meaning = (a: DockerfileAst) => a.instructions.map(one).join('\n');
    const was = meaning(ast).split('\n');
    const now = meaning(after).split('\n');
    const k = was.findIndex((x, i) => x !== now[i]);
    if (k >= 0 || was.length !== now.length) {
      const at = k >= 0 ? k : Math.min(was.length, now.length);
      this.fail(`formatting changed instruction ${at}:\n  before: ${JSON.stringify(was[at])}\n  after:  ${JSON.stringify(now[at])}`, input);
    }
    if (formatDocument(after, FORMAT).length > 0) this.fail('formatting is not idempotent', input);
  }

  /** A client applies these edits as one change: they must not overlap. */
  applies(what: string, edits: readonly TextEdit[], input: string): void {
    try {
      TextDocument.applyEdits(TextDocument.create('file:///f', 'dockerfile', 1, input), [...edits]);
    } catch (e) {
      this.fail(`${what}: edits do not apply: ${String(e)}`, input);
    }
  }

  /** Five numbers per token, lengths positive, positions inside the document. */
  tokens(data: readonly number[], ast: DockerfileAst, input: string): void {
    if (data.length % 5 !== 0) return this.fail('semantic tokens: data length not a multiple of 5', input);
    let line = 0;
    let ch = 0;
    for (let i = 0; i < data.length; i += 5) {
      if (data[i] > 0) ch = 0;
      line += data[i];
      ch += data[i + 1];
      if (data[i + 2] <= 0 || ch + data[i + 2] > (ast.lines[line]?.length ?? -1)) return this.fail(`semantic token out of its line at ${line}:${ch}`, input);
    }
  }
}

function inside(inner: Range, outer: Range): boolean {
  const le = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

function inProcess(inputs: number, seed: number, corpus: string[], checks: Checks): Timings {
  const lib = dockerfileLibrary();
  const rnd = seededRandom(seed);
  const timings = new Timings();
  const tokens = new SemanticTokensCache();
  const uri = 'file:///fuzz/Dockerfile';
  const completionInputs = { imageNames: ['ubuntu:22.04', 'alpine:3.20', 'localhost:5000/app:dev'], ruleNames: lib.ruleNames };
  let previous = '';
  for (let i = 0; i < inputs; i++) {
    const text = mutate(corpus[Math.floor(rnd() * corpus.length)], rnd);
    const ast = timings.run('parse', () => lib.parse(text), text);
    if (!ast) continue;
    const findings = timings.run('lint', () => lib.linters.lint(ast, {}), text) ?? [];
    for (let k = 0; k < 3; k++) {
      const pos = randomPosition(ast, rnd);
      timings.run('hover', () => hover(ast, pos), text);
      timings.run('completion', () => completion(ast, pos, completionInputs), text);
      timings.run('signatureHelp', () => signatureHelp(ast, pos), text);
      timings.run('definition', () => definition(ast, uri, pos), text);
      timings.run('references', () => references(ast, uri, pos, true), text);
      timings.run('documentHighlight', () => documentHighlights(ast, pos), text);
      timings.run('prepareRename', () => prepareRename(ast, pos), text);
      timings.run('rename', () => rename(ast, uri, pos, rnd() < 0.5 ? 'renamed' : 'bad name'), text);
      timings.run('onTypeFormatting', () => formatOnType(ast, pos.line, FORMAT), text);
    }
    const a = randomPosition(ast, rnd);
    const b = randomPosition(ast, rnd);
    const range = a.line < b.line ? { start: a, end: b } : { start: b, end: a };
    const symbols = timings.run('documentSymbol', () => documentSymbols(ast), text);
    if (symbols) checks.symbols(symbols, text);
    timings.run('foldingRange', () => foldingRanges(ast), text);
    timings.run('documentLink', () => documentLinks(ast), text);
    const edits = timings.run('formatting', () => formatDocument(ast, FORMAT), text);
    if (edits) checks.formatting(lib.parse, ast, edits, text);
    timings.run('rangeFormatting', () => formatRange(ast, range, FORMAT), text);
    const full = timings.run('semanticTokens/full', () => tokens.full(uri, semanticTokensFull(ast)), text);
    if (full) checks.tokens(full.data, ast, text);
    timings.run('semanticTokens/range', () => semanticTokensRange(ast, range), text);
    if (full && previous) timings.run('semanticTokens/delta', () => tokens.delta(uri, full.resultId!, semanticTokensFull(ast)), text);
    previous = text;
    const diagnostics = findings.map((f) => ({ range: f.range, message: f.message, code: f.ruleId, source: f.source }));
    const actions = timings.run('codeAction', () => codeActions(ast, findings, { uri, diagnostics }, lib.ignoreFixes), text) ?? [];
    for (const a of actions) checks.applies(`quick fix "${a.title}"`, a.edit!.changes![uri], text);
    const all = timings.run('codeAction/fixAll', () => fixAll(uri, findings), text);
    if (all) checks.applies('fix all', all.edit!.changes![uri], text);
  }
  return timings;
}

/** Crafted worst cases for each kind of linear-time assumption: huge lines, deep nesting, many
 *  continuations, heredocs, stages and variables. Each request kind is timed once per input. */
const CRAFTED: Record<string, string> = {
  'one 400 KB line, 50k $VARs': `FROM a\nRUN ${'echo $A '.repeat(50000)}\n`,
  '20k unclosed ${A:-': `FROM a\nRUN ${'${A:-'.repeat(20000)}\n`,
  '20k continuation lines': `FROM a\nRUN a \\\n${'b \\\n'.repeat(20000)}c\n`,
  '20k lines of just "\\"': `FROM a\nRUN a \\\n${'\\\n'.repeat(20000)}c\n`,
  '5k heredocs': `FROM a\n${'RUN <<EOF\nx\nEOF\n'.repeat(5000)}`,
  'unterminated heredoc, 20k lines': `FROM a\nRUN <<EOF\n${'line\n'.repeat(20000)}`,
  '2k chained stages': Array.from({ length: 2000 }, (_, i) => `FROM s${i ? i - 1 : 'x'} AS s${i}\nCOPY --from=s0 / /\nARG V${i}=$V${i ? i - 1 : 0}`).join('\n'),
  '1k ENV, each using the last': `FROM a\n${Array.from({ length: 1000 }, (_, i) => `ENV V${i}=\${V${Math.max(0, i - 1)}}x`).join('\n')}\nRUN echo $V999\n`,
  '50k quotes': `FROM a\nRUN ${'"\'"\'\\'.repeat(50000)}\n`,
};

function crafted(): Record<string, Record<string, string>> {
  const lib = dockerfileLibrary();
  const out: Record<string, Record<string, string>> = {};
  const inputs = { imageNames: [], ruleNames: lib.ruleNames };
  for (const [name, text] of Object.entries(CRAFTED)) {
    const row: Record<string, string> = {};
    const time = (k: string, f: () => unknown) => {
      const t0 = performance.now();
      f();
      row[k] = (performance.now() - t0).toFixed(0);
    };
    let ast: DockerfileAst | undefined;
    time('parse', () => { ast = lib.parse(text); });
    const a = ast!;
    const pos = { line: Math.max(0, a.lines.length - 2), character: 5 };
    time('lint', () => lib.linters.lint(a, {}));
    time('hover', () => hover(a, pos));
    time('completion', () => completion(a, pos, inputs));
    time('references', () => references(a, 'file:///x', pos, true));
    time('rename', () => rename(a, 'file:///x', pos, 'X'));
    time('format', () => formatDocument(a, FORMAT));
    time('tokens', () => semanticTokensFull(a));
    time('symbols', () => documentSymbols(a));
    time('links', () => documentLinks(a));
    out[`${name} (${Math.round(text.length / 1024)} KB)`] = row;
  }
  return out;
}

async function overStdio(inputs: number, seed: number, corpus: string[]): Promise<{ requests: number; errors: number; failedLogs: number; alive: boolean; maxMs: number; medianMs: number }> {
  const client = await LspClient.start({ bundle: BUNDLE });
  const rnd = seededRandom(seed ^ 0x5eed);
  let requests = 0;
  let errors = 0;
  const times: number[] = [];
  const send = async (method: string, params: unknown) => {
    requests++;
    const t0 = performance.now();
    try {
      await client.connection.sendRequest(method, params);
    } catch {
      errors++;
    }
    times.push(performance.now() - t0);
  };
  try {
    for (let i = 0; i < inputs; i++) {
      const uri = `file:///fuzz/${i}/Dockerfile`;
      const text = mutate(corpus[Math.floor(rnd() * corpus.length)], rnd);
      await client.open(uri, text);
      const lines = text.split('\n');
      const line = Math.floor(rnd() * lines.length);
      const position = { line, character: Math.floor(rnd() * ((lines[line]?.length ?? 0) + 1)) };
      const td = { uri };
      await Promise.all([
        send('textDocument/hover', { textDocument: td, position }),
        send('textDocument/completion', { textDocument: td, position }),
        send('textDocument/signatureHelp', { textDocument: td, position }),
        send('textDocument/definition', { textDocument: td, position }),
        send('textDocument/references', { textDocument: td, position, context: { includeDeclaration: true } }),
        send('textDocument/documentHighlight', { textDocument: td, position }),
        send('textDocument/prepareRename', { textDocument: td, position }),
        send('textDocument/documentSymbol', { textDocument: td }),
        send('textDocument/foldingRange', { textDocument: td }),
        send('textDocument/documentLink', { textDocument: td }),
        send('textDocument/formatting', { textDocument: td, options: FORMAT }),
        send('textDocument/rangeFormatting', { textDocument: td, range: { start: { line: 0, character: 0 }, end: position }, options: FORMAT }),
        send('textDocument/onTypeFormatting', { textDocument: td, position, ch: '\n', options: FORMAT }),
        send('textDocument/semanticTokens/full', { textDocument: td }),
        send('textDocument/semanticTokens/range', { textDocument: td, range: { start: { line: 0, character: 0 }, end: position } }),
        send('textDocument/codeAction', { textDocument: td, range: { start: position, end: position }, context: { diagnostics: client.diagnostics.get(uri)?.diagnostics ?? [], only: undefined } }),
        send('textDocument/codeAction', { textDocument: td, range: { start: position, end: position }, context: { diagnostics: [], only: ['source.fixAll'] } }),
      ]);
      // Rename answers a ResponseError for names it refuses; that is an answer, not a failure.
      try { await client.connection.sendRequest('textDocument/rename', { textDocument: td, position, newName: 'renamed' }); } catch { /* refused */ }
      await client.close(uri);
    }
    const alive = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///none' }, position: { line: 0, character: 0 } }).then(() => true, () => false);
    times.sort((a, b) => a - b);
    return { requests, errors, failedLogs: client.logs.filter((l) => l.includes('failed')).length, alive, maxMs: times[times.length - 1] ?? 0, medianMs: times[Math.floor(times.length / 2)] ?? 0 };
  } finally {
    await client.stop();
  }
}

export async function run(args: string[]): Promise<void> {
  const inputs = Number(args[0] ?? 100_000);
  const stdioInputs = Number(args[1] ?? 300);
  const seed = Number(args[2] ?? 1);
  if (!Number.isInteger(inputs) || inputs < 1 || !Number.isInteger(stdioInputs) || stdioInputs < 0) {
    throw new Error('usage: npm run bench -- lsp-fuzz [inputs>=1] [stdio-inputs>=0] [seed]');
  }
  const corpus = fs.readdirSync(CORPUS).sort().map((f) => fs.readFileSync(path.join(CORPUS, f), 'utf8'));
  const t0 = performance.now();
  const checks = new Checks();
  const timings = inProcess(inputs, seed, corpus, checks);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`lsp-fuzz in-process: ${inputs} mutated inputs from ${corpus.length} corpus files, seed ${seed}, ${seconds.toFixed(1)} s`);
  console.table(timings.table());
  console.log(`exceptions: ${timings.exceptions} (target 0); invariant violations (symbol nesting, formatting keeps instructions and is idempotent, token bounds, fix edits apply): ${checks.violations} (target 0)`);
  for (const e of [...timings.examples, ...checks.examples]) console.log(e);
  console.log('crafted worst cases, ms per request (one run each; the first request of a kind on a parse pays for the shared analyses):');
  console.table(crafted());
  if (stdioInputs > 0) {
    if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run node scripts/build.mjs first`);
    const s = await overStdio(stdioInputs, seed, corpus);
    console.log(`lsp-fuzz over stdio (dist/language-server.js): ${stdioInputs} inputs, ${s.requests} requests, ${s.errors} error responses, ${s.failedLogs} handler failures logged, server alive at the end: ${s.alive}, median ${s.medianMs.toFixed(2)} ms, max ${s.maxMs.toFixed(1)} ms per request (17 requests in flight at once)`);
    if (s.errors || s.failedLogs || !s.alive) process.exitCode = 1;
  }
  if (timings.exceptions || checks.violations) process.exitCode = 1;
}
