// What users of other editors get: every corpus Dockerfile opened once, in a row, in a server
// started as any editor starts it (`node SERVER --stdio`: no warm-up, no node flags), with Berth
// and the plain dockerfile-language-server-nodejs measured in the same run.
//   npm run bench -- lsp-open-once [rounds=1] [--plain=PATH] [--only=plain,berth,berth-noshellcheck,before,before-noshellcheck]
//                                  [--before=BUNDLE] [--cpu-prof=DIR]
// (--cpu-prof=DIR: each server writes a V8 CPU profile into DIR, for finding where the time goes;
//  --before=BUNDLE: another build of dist/language-server.js, e.g. from an earlier commit, run the
//  same two ways beside the current one.)
// Per file: didOpen -> the first publishDiagnostics, then one textDocument/semanticTokens/full.
// Each round starts every server afresh (cold, as an editor does) and runs them one after the
// other, in a rotating order, so a busy machine does not always land on the same server.
// Servers:
//   - plain: dockerfile-language-server-nodejs (its bin/docker-langserver), from node_modules or
//     the path in --plain=PATH / BERTH_BENCH_PLAIN_SERVER; skipped with a message when absent;
//   - berth: dist/language-server.js (run `npm run build` first), default settings, ShellCheck
//     on PATH (the server finds it as an editor's server would);
//   - berth-noshellcheck: the same with a PATH on which there is no shellcheck.
// Targets (issue 21): Berth's diagnostics p50 <= the plain server's p50 in the same run, p99 < 5 ms
// with ShellCheck on PATH; semantic tokens p99 < 5 ms. Request errors: error answers plus opens
// that got no diagnostics within 10 s. Also shown: when ShellCheck's findings arrive (the second
// publish) and berth-shellcheck-* folders left in the server's temporary folder (its own TMPDIR).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidOpenTextDocumentNotification, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspClient } from '../test/language-server/lsp-client';

const CORPUS = '/work/shared/corpus/dockerfiles';
const BUNDLE = path.resolve(__dirname, '..', 'dist', 'language-server.js');
const OPEN_TIMEOUT_MS = 10_000;
/** How long to wait after the last file for ShellCheck's republishes before stopping the server. */
const SETTLE_MS = 60_000;
const QUIET_MS = 3_000;

interface Server {
  readonly key: string;
  readonly label: string;
  readonly script: string;
  readonly env?: NodeJS.ProcessEnv;
}

interface Sample {
  readonly diagnostics: number[];
  readonly tokens: number[];
  /** didOpen -> second publish (ShellCheck's findings merged in), for the files that got one. */
  readonly republish: number[];
  errors: number;
  findings: number;
  /** berth-shellcheck-* folders left behind after the server stopped. */
  leftover: number;
  /** CPU the server process used while the files were opened (ms; load-independent, unlike latency). */
  cpuMs: number;
  /** Start to the initialize answer (ms). */
  initializeMs: number;
  readonly errorNotes: string[];
}

interface Stats { n: number; p50: number; p99: number; max: number }

function stats(values: readonly number[]): Stats {
  if (values.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN };
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

const ms = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(2));

function plainServerPath(flag: string | undefined): string | null {
  const given = flag ?? process.env.BERTH_BENCH_PLAIN_SERVER;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`the plain server given as ${given} does not exist`);
    return path.resolve(given);
  }
  try {
    return require.resolve('dockerfile-language-server-nodejs/bin/docker-langserver');
  } catch {
    return null;
  }
}

function plainServerVersion(script: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(script), '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '?';
  } catch {
    return '?';
  }
}

/** A PATH with no shellcheck on it; node itself is started by absolute path. */
function pathWithoutShellcheck(): string {
  return (process.env.PATH ?? '').split(':').filter((d) => d && !fs.existsSync(path.join(d, 'shellcheck'))).join(':') || '/nonexistent';
}

/** User and system CPU time of a process so far, from /proc (10 ms resolution). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5) (utime, stime), counted here from field 3.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** berth-shellcheck-* folders a server left in its own temporary folder (TMPDIR). */
function leftoverShellcheckDirs(tmp: string): string[] {
  return fs.readdirSync(tmp).filter((f) => f.startsWith('berth-shellcheck-'));
}

function withTimeout<T>(p: Promise<T>, timeoutMs: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function measure(server: Server, texts: readonly string[], round: number, profileDir: string | undefined): Promise<Sample> {
  const sample: Sample = { diagnostics: [], tokens: [], republish: [], errors: 0, findings: 0, leftover: 0, cpuMs: 0, initializeMs: 0, errorNotes: [] };
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`, `--cpu-prof-name=${server.key}-${round}.cpuprofile`] : [];
  // A temporary folder of its own, so what it leaves there is counted, not other programs' folders.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-open-once-'));
  const started = performance.now();
  const client = await LspClient.start({ bundle: server.script, env: { ...server.env, TMPDIR: tmp }, nodeArgs });
  sample.initializeMs = performance.now() - started;
  const cpuAtStart = processCpuMs(client.process.pid);
  const openedAt = new Map<string, number>();
  const published = new Map<string, number>();
  const firstWaiters = new Map<string, (p: PublishDiagnosticsParams) => void>();
  // Every publish, counted per URI (this replaces LspClient's own handler): the first answers the
  // open, the second for a file is ShellCheck's (Berth only).
  let lastPublish = performance.now();
  client.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    lastPublish = performance.now();
    const n = (published.get(p.uri) ?? 0) + 1;
    published.set(p.uri, n);
    const t0 = openedAt.get(p.uri);
    if (n === 1) firstWaiters.get(p.uri)?.(p);
    if (n === 2 && t0 !== undefined) sample.republish.push(performance.now() - t0);
  });
  try {
    for (let i = 0; i < texts.length; i++) {
      const uri = `file:///bench/open-once/${round}/${i}/Dockerfile`;
      const next = new Promise<PublishDiagnosticsParams>((resolve) => firstWaiters.set(uri, resolve));
      const t0 = performance.now();
      openedAt.set(uri, t0);
      await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version: 1, text: texts[i] } });
      const got = await withTimeout(next, OPEN_TIMEOUT_MS);
      if (got === 'timeout') {
        sample.errors++;
        sample.errorNotes.push(`file ${i}: no diagnostics within ${OPEN_TIMEOUT_MS / 1000} s`);
      } else {
        sample.diagnostics.push(performance.now() - t0);
        sample.findings += got.diagnostics.length;
      }
      const t1 = performance.now();
      try {
        await client.connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } });
        sample.tokens.push(performance.now() - t1);
      } catch (e) {
        sample.errors++;
        sample.errorNotes.push(`file ${i}: semantic tokens: ${(e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 120)}`);
      }
    }
    sample.cpuMs = processCpuMs(client.process.pid) - cpuAtStart;
    // Let ShellCheck's republishes arrive (measured, not waited for by the client): until no
    // publish came for QUIET_MS, at most SETTLE_MS.
    const deadline = performance.now() + SETTLE_MS;
    while ((server.key === 'berth' || server.key === 'before') && performance.now() < deadline && performance.now() - lastPublish < QUIET_MS) {
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.stop();
    sample.leftover = leftoverShellcheckDirs(tmp).length;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return sample;
}

export async function run(args: string[]): Promise<void> {
  const positional = args.filter((a) => !a.startsWith('--'));
  const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const rounds = Number(positional[0] ?? 1);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('usage: npm run bench -- lsp-open-once [rounds>=1] [--plain=PATH] [--only=KEYS] [--before=BUNDLE] [--cpu-prof=DIR]');
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
  const only = flag('only')?.split(',');

  const servers: Server[] = [];
  const plain = plainServerPath(flag('plain'));
  if (plain) servers.push({ key: 'plain', label: `dockerfile-language-server-nodejs ${plainServerVersion(plain)}`, script: plain });
  else console.log('lsp-open-once: dockerfile-language-server-nodejs is not installed (no node_modules/dockerfile-language-server-nodejs, no --plain=PATH, no BERTH_BENCH_PLAIN_SERVER): the plain server is skipped and there is nothing to compare Berth with');
  servers.push({ key: 'berth', label: 'Berth, ShellCheck on PATH', script: BUNDLE });
  servers.push({ key: 'berth-noshellcheck', label: 'Berth, no ShellCheck on PATH', script: BUNDLE, env: { PATH: pathWithoutShellcheck() } });
  const before = flag('before');
  if (before) {
    if (!fs.existsSync(before)) throw new Error(`--before=${before} does not exist`);
    servers.push({ key: 'before', label: 'Berth before, ShellCheck on PATH', script: path.resolve(before) });
    servers.push({ key: 'before-noshellcheck', label: 'Berth before, no ShellCheck', script: path.resolve(before), env: { PATH: pathWithoutShellcheck() } });
  }
  const chosen = servers.filter((s) => !only || only.includes(s.key));

  const texts = fs.readdirSync(CORPUS).sort().map((f) => fs.readFileSync(path.join(CORPUS, f), 'utf8'));
  const results = new Map<string, Sample[]>();
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < chosen.length; k++) {
      const server = chosen[(k + r) % chosen.length];
      loads.push(os.loadavg()[0]);
      const s = await measure(server, texts, r, flag('cpu-prof'));
      results.set(server.key, [...(results.get(server.key) ?? []), s]);
    }
  }

  console.log(`lsp-open-once: ${texts.length} corpus files opened once each per server, ${rounds} round(s), servers started cold without node flags; load average ${Math.min(...loads).toFixed(2)}..${Math.max(...loads).toFixed(2)} (1 min) on ${os.cpus().length} CPUs`);
  const rows: Record<string, string | number>[] = [];
  for (const server of chosen) {
    const samples = results.get(server.key) ?? [];
    const d = stats(samples.flatMap((s) => s.diagnostics));
    const t = stats(samples.flatMap((s) => s.tokens));
    const re = stats(samples.flatMap((s) => s.republish));
    rows.push({
      server: server.label,
      'diag p50': ms(d.p50), 'diag p99': ms(d.p99), 'diag max': ms(d.max),
      'tokens p50': ms(t.p50), 'tokens p99': ms(t.p99),
      'request errors': samples.reduce((a, s) => a + s.errors, 0),
      'server CPU ms/file': (samples.reduce((a, s) => a + s.cpuMs, 0) / samples.reduce((a, s) => a + s.diagnostics.length, 0)).toFixed(2),
      'initialize ms': ms(stats(samples.map((s) => s.initializeMs)).p50),
      findings: samples.reduce((a, s) => a + s.findings, 0),
      'ShellCheck republish p50/p99 (n)': re.n ? `${ms(re.p50)} / ${ms(re.p99)} (${re.n})` : '-',
      'shellcheck folders left': samples.reduce((a, s) => a + s.leftover, 0),
    });
  }
  console.table(rows);
  for (const server of chosen) {
    const notes = (results.get(server.key) ?? []).flatMap((s) => s.errorNotes);
    if (notes.length) console.log(`${server.label}: ${notes.slice(0, 5).join('; ')}${notes.length > 5 ? `; and ${notes.length - 5} more` : ''}`);
  }
  const plainD = stats((results.get('plain') ?? []).flatMap((s) => s.diagnostics));
  const berthD = stats((results.get('berth') ?? []).flatMap((s) => s.diagnostics));
  const berthT = stats([...(results.get('berth') ?? []), ...(results.get('berth-noshellcheck') ?? [])].flatMap((s) => s.tokens));
  const verdicts: string[] = [];
  if (plainD.n && berthD.n) verdicts.push(`diagnostics p50 ${ms(berthD.p50)} vs plain ${ms(plainD.p50)} ms: ${berthD.p50 <= plainD.p50 ? 'met' : 'NOT met'}`);
  if (berthD.n) verdicts.push(`diagnostics p99 with ShellCheck ${ms(berthD.p99)} ms < 5: ${berthD.p99 < 5 ? 'met' : 'NOT met'}`);
  if (berthT.n) verdicts.push(`semantic tokens p99 ${ms(berthT.p99)} ms < 5: ${berthT.p99 < 5 ? 'met' : 'NOT met'}`);
  if (verdicts.length) console.log(`targets: ${verdicts.join('; ')}`);
}
