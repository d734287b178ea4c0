// Where the time of lsp-open-once goes, per file: the same workload (each corpus Dockerfile opened
// once, in a row, then semantic tokens; one cold server, no node flags) with a probe preloaded
// into the server (bench/lsp-trace/server-probe.cjs, through NODE_OPTIONS; it changes nothing the
// server does). Each request's client-observed latency is split into
//   in   client sends -> the server reads the bytes,
//   work the server reads -> it writes the answer: the main thread waiting for a CPU in the
//        runqueue (schedstat) and the rest, the main thread running (it does not sleep while it
//        answers, the first file's settings request aside); also the process's CPU time in it
//        (all threads, so V8's concurrent compiler counts too),
//   out  the server writes -> the client has parsed it;
// with GC pauses, spawns (how long they block the main thread) and per-thread CPU. The CPU time
// is what the server's code costs and depends little on the machine's load; waiting is scheduling. lsp-open-once gives the targets; this tells why a tail is what it is.
//   npm run bench -- lsp-open-once-trace [rounds=1] [--bundle=PATH] [--no-shellcheck] [--keep=DIR]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { DidOpenTextDocumentNotification, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspClient } from '../test/language-server/lsp-client';

const CORPUS = '/work/shared/corpus/dockerfiles';
const PROBE = path.resolve(__dirname, 'lsp-trace', 'server-probe.cjs');
const now = () => performance.timeOrigin + performance.now();

interface ProbeEvent {
  ev: 'in' | 'out' | 'gc' | 'spawn' | 'thread';
  t: number; dur: number; kind: number; method: string | null; id: number | null; uri: string | null;
  run: number; wait: number; main: boolean;
}

interface Row {
  round: number; i: number; name: string; lines: number;
  diag: number; tokens: number;
  /** Diagnostics: in, work (on CPU, runqueue), out. */
  dIn: number; dWork: number; dRun: number; dWait: number; dActive: number; dOut: number;
  /** Semantic tokens: in (client sends -> the server reads), work, out (written -> client has it). */
  tIn: number; tWork: number; tRun: number; tWait: number; tActive: number; tOut: number;
  gcMs: number; gcKinds: string; spawnMs: number;
  /** GC pauses of this (the client's) process during the request pair. */
  clientGcMs: number;
}

interface Round { rows: Row[]; events: ProbeEvent[]; load: number }

async function runRound(bundle: string, texts: readonly string[], names: readonly string[], round: number, noShellcheck: boolean, keep: string): Promise<Round> {
  const load = os.loadavg()[0];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-trace-'));
  const probeOut = path.join(keep, `round-${round}`);
  const env: NodeJS.ProcessEnv = {
    TMPDIR: tmp,
    BERTH_PROBE_OUT: probeOut,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PROBE}`.trim(),
  };
  if (noShellcheck) env.PATH = (process.env.PATH ?? '').split(':').filter((d) => d && !fs.existsSync(path.join(d, 'shellcheck'))).join(':');
  const client = await LspClient.start({ bundle, env });
  const got = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  client.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    if (got.has(p.uri)) return;
    got.set(p.uri, now());
    waiters.get(p.uri)?.();
  });
  const stamps: { t0: number; t1: number; t2: number }[] = [];
  // The client's own pauses count in what it measures (as an editor's would).
  const clientGcs: { t: number; dur: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) clientGcs.push({ t: performance.timeOrigin + e.startTime, dur: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    for (let i = 0; i < texts.length; i++) {
      const uri = `file:///bench/open-once/${round}/${i}/Dockerfile`;
      const published = new Promise<void>((resolve) => waiters.set(uri, resolve));
      const t0 = now();
      await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version: 1, text: texts[i] } });
      await published;
      const t1 = now();
      await client.connection.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } });
      stamps.push({ t0, t1, t2: now() });
    }
  } finally {
    observer.disconnect();
    await client.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const file = fs.readdirSync(keep).find((f) => f.startsWith(`round-${round}.`) && f.endsWith('.jsonl'));
  if (!file) throw new Error(`the server wrote no trace into ${keep} (was ${PROBE} preloaded?)`);
  const events = fs.readFileSync(path.join(keep, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ProbeEvent);
  const ins = events.filter((e) => e.ev === 'in');
  const outs = events.filter((e) => e.ev === 'out');
  const gcs = events.filter((e) => e.ev === 'gc');
  const spawns = events.filter((e) => e.ev === 'spawn');
  const rows = stamps.map(({ t0, t1, t2 }, i): Row => {
    const uri = `file:///bench/open-once/${round}/${i}/Dockerfile`;
    const dIn = ins.find((e) => e.uri === uri && e.method === 'textDocument/didOpen');
    const dOut = outs.find((e) => e.uri === uri && e.method === 'textDocument/publishDiagnostics');
    const tIn = ins.find((e) => e.t >= t1 && e.t <= t2 && e.method === 'textDocument/semanticTokens/full');
    const tOut = outs.find((e) => e.t >= t1 && e.t <= t2 && !e.method && e.id !== null);
    const overlapping = <T extends { t: number; dur: number }>(list: T[], a: number, b: number) => list.filter((g) => g.t < b && g.t + g.dur > a);
    const gcIn = overlapping(gcs, t0, t2);
    const received = got.get(uri) ?? t1;
    return {
      round, i, name: names[i], lines: texts[i].split('\n').length, diag: t1 - t0, tokens: t2 - t1,
      dIn: dIn ? dIn.t - t0 : NaN, dWork: dIn && dOut ? dOut.t - dIn.t : NaN, dRun: dIn && dOut ? dOut.run - dIn.run : NaN,
      dWait: dIn && dOut ? dOut.wait - dIn.wait : NaN, dOut: dOut ? received - dOut.t : NaN,
      dActive: dIn && dOut ? (dOut.t - dIn.t) - (dOut.wait - dIn.wait) : NaN,
      tIn: tIn ? tIn.t - t1 : NaN, tOut: tOut ? t2 - tOut.t : NaN,
      tWork: tIn && tOut ? tOut.t - tIn.t : NaN, tRun: tIn && tOut ? tOut.run - tIn.run : NaN, tWait: tIn && tOut ? tOut.wait - tIn.wait : NaN,
      tActive: tIn && tOut ? (tOut.t - tIn.t) - (tOut.wait - tIn.wait) : NaN,
      gcMs: gcIn.reduce((s, g) => s + g.dur, 0), gcKinds: gcIn.map((g) => g.kind).join(','),
      spawnMs: overlapping(spawns, t0, t2).reduce((s, g) => s + g.dur, 0),
      clientGcMs: overlapping(clientGcs, t0, t2).reduce((s, g) => s + g.dur, 0),
    };
  });
  return { rows, events, load };
}

function pct(values: readonly number[], p: number): number {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
}

const ms = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(2));
const dist = (rows: readonly Row[], k: keyof Row) => {
  const v = rows.map((r) => r[k] as number);
  return { p50: ms(pct(v, 0.5)), p90: ms(pct(v, 0.9)), p99: ms(pct(v, 0.99)), max: ms(Math.max(...v.filter((x) => !Number.isNaN(x)))) };
};
/** V8's GC kinds as perf_hooks reports them. */
const GC_KIND: Record<number, string> = { 1: 'scavenge', 2: 'minor-mark-sweep', 4: 'mark-sweep-compact', 8: 'incremental-marking', 16: 'weak-callbacks' };

export async function run(args: string[]): Promise<void> {
  const positional = args.filter((a) => !a.startsWith('--'));
  const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const rounds = Number(positional[0] ?? 1);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('usage: npm run bench -- lsp-open-once-trace [rounds>=1] [--bundle=PATH] [--no-shellcheck] [--keep=DIR]');
  const bundle = path.resolve(flag('bundle') ?? path.join(__dirname, '..', 'dist', 'language-server.js'));
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first, or give --bundle=PATH`);
  const noShellcheck = args.includes('--no-shellcheck');
  const keepFlag = flag('keep');
  const keep = keepFlag ? path.resolve(keepFlag) : fs.mkdtempSync(path.join(os.tmpdir(), 'berth-trace-'));
  fs.mkdirSync(keep, { recursive: true });
  const names = fs.readdirSync(CORPUS).sort();
  const texts = names.map((f) => fs.readFileSync(path.join(CORPUS, f), 'utf8'));
  const results: Round[] = [];
  try {
    for (let r = 0; r < rounds; r++) results.push(await runRound(bundle, texts, names, r, noShellcheck, keep));
  } finally {
    if (!keepFlag) fs.rmSync(keep, { recursive: true, force: true });
  }
  const rows = results.flatMap((r) => r.rows);
  console.log(`lsp-open-once-trace: ${path.relative(process.cwd(), bundle)}${noShellcheck ? ', no ShellCheck on PATH' : ''}, ${rounds} round(s) of ${texts.length} files; load average at the start of each round: ${results.map((r) => r.load.toFixed(2)).join(', ')} on ${os.cpus().length} CPUs`);
  console.table({
    'diagnostics (client)': dist(rows, 'diag'),
    '  in: client -> server reads': dist(rows, 'dIn'),
    '  work: read -> publish written': dist(rows, 'dWork'),
    '    main thread running (work - wait)': dist(rows, 'dActive'),
    '    main thread waiting for a CPU': dist(rows, 'dWait'),
    '    server CPU (all threads)': dist(rows, 'dRun'),
    '  out: written -> client has it': dist(rows, 'dOut'),
    'semantic tokens (client)': dist(rows, 'tokens'),
    '  in: client -> server reads ': dist(rows, 'tIn'),
    '  work: read -> answer written': dist(rows, 'tWork'),
    '    main thread running (work - wait) ': dist(rows, 'tActive'),
    '    main thread waiting for a CPU ': dist(rows, 'tWait'),
    '    server CPU (all threads) ': dist(rows, 'tRun'),
    '  out: written -> client has it ': dist(rows, 'tOut'),
  });
  for (const [k, r] of results.entries()) {
    const gcs = r.events.filter((e) => e.ev === 'gc');
    const kinds = new Map<string, { n: number; ms: number; max: number }>();
    for (const g of gcs) {
      const name = GC_KIND[g.kind] ?? `kind ${g.kind}`;
      const s = kinds.get(name) ?? { n: 0, ms: 0, max: 0 };
      kinds.set(name, { n: s.n + 1, ms: s.ms + g.dur, max: Math.max(s.max, g.dur) });
    }
    const spawns = r.events.filter((e) => e.ev === 'spawn');
    const threads = r.events.filter((e) => e.ev === 'thread');
    const mainThread = threads.find((t) => t.main);
    const others = threads.filter((t) => !t.main);
    console.log(`round ${k}: GC pauses (wall) ${[...kinds].map(([n, s]) => `${n} ${s.n}x ${ms(s.ms)} ms (max ${ms(s.max)})`).join(', ') || 'none'}; `
      + `spawns ${spawns.length}, blocking the main thread ${spawns.map((s) => ms(s.dur)).join('/') || '-'} ms; `
      + `main thread ${mainThread ? `${mainThread.run.toFixed(0)} ms on CPU, ${mainThread.wait.toFixed(0)} ms waiting for one` : '-'}; `
      + `other threads (V8 compiler and GC helpers, libuv) ${others.reduce((s, t) => s + t.run, 0).toFixed(0)} ms on CPU`);
  }
  const describe = (r: Row) => `${rounds > 1 ? `r${r.round} ` : ''}#${r.i} ${r.name.slice(0, 12)} ${r.lines}L: ${ms(r.diag)} = in ${ms(r.dIn)} + work ${ms(r.dWork)} (running ${ms(r.dActive)}, in runqueue ${ms(r.dWait)}, CPU all threads ${ms(r.dRun)}) + out ${ms(r.dOut)}${r.gcKinds ? `; GC ${ms(r.gcMs)} ms [${r.gcKinds.split(',').map((x) => GC_KIND[Number(x)] ?? x).join(' ')}]` : ''}${r.spawnMs ? `; spawn blocked ${ms(r.spawnMs)} ms` : ''}${r.clientGcMs ? `; client GC ${ms(r.clientGcMs)} ms` : ''}`;
  console.log('slowest diagnostics as the client saw them:');
  for (const r of [...rows].sort((a, b) => b.diag - a.diag).slice(0, 10)) console.log(`  ${describe(r)}`);
  console.log('slowest semantic tokens as the client saw them:');
  for (const r of [...rows].sort((a, b) => b.tokens - a.tokens).slice(0, 10)) {
    console.log(`  ${rounds > 1 ? `r${r.round} ` : ''}#${r.i} ${r.name.slice(0, 12)} ${r.lines}L: ${ms(r.tokens)} = in ${ms(r.tIn)} + work ${ms(r.tWork)} (running ${ms(r.tActive)}, in runqueue ${ms(r.tWait)}) + out ${ms(r.tOut)}`);
  }
  console.log('longest main-thread running per open (the server\'s own cost):');
  for (const r of [...rows].sort((a, b) => b.dActive - a.dActive).slice(0, 10)) console.log(`  ${describe(r)}`);
  if (rounds > 1) {
    const top = results.map((r) => new Set([...r.rows].sort((a, b) => b.dActive - a.dActive).slice(0, 10).map((x) => x.i)));
    const always = [...top[0]].filter((i) => top.every((s) => s.has(i)));
    console.log(`files among the 10 longest-running opens in every round: ${always.map((i) => `#${i}`).join(' ') || 'none'}`);
  }
  if (keepFlag) console.log(`traces kept in ${keep}`);
}
