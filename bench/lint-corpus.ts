// Lints the shared corpus (405 real Dockerfiles) with every rule: per-file median and p95 and the
// total for one pass, parse and lint separately, after warm-up passes. ShellCheck is timed on
// its own (one shellcheck process per file). hadolint is timed side by side when installed.
//   npm run bench -- lint-corpus [rounds]
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { lint } from '../dockerfile/lint/linter';
import { runShellcheck } from '../dockerfile/lint/shellcheck';
import { parseDockerfile } from '../dockerfile/syntax/parser';
import type { DockerfileAst } from '../dockerfile/syntax/ast';

const corpus = path.resolve(__dirname, '..', '..', 'shared', 'corpus', 'dockerfiles');

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function stats(label: string, perFile: number[], total: number): string {
  const s = [...perFile].sort((a, b) => a - b);
  return `${label.padEnd(22)} median ${pct(s, 50).toFixed(3)} ms   p95 ${pct(s, 95).toFixed(3)} ms   max ${s[s.length - 1].toFixed(2)} ms   total ${total.toFixed(1)} ms`;
}

export async function run(args: string[] = []): Promise<void> {
  const rounds = Number(args[0] ?? 5);
  const files = readdirSync(corpus).sort().map((f) => path.join(corpus, f));
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const lines = texts.reduce((n, t) => n + t.split('\n').length, 0);
  console.log(`corpus: ${files.length} files, ${lines} lines (${corpus})`);

  // Warm up the JIT the way an editor session would have.
  for (let k = 0; k < 3; k++) for (const t of texts) lint(parseDockerfile(t));

  let best = { parse: Infinity, lint: Infinity, cpu: Infinity };
  let lintTimes: number[] = [];
  let parseTimes: number[] = [];
  let findings = 0;
  for (let r = 0; r < rounds; r++) {
    const pt: number[] = [];
    const lt: number[] = [];
    const asts: DockerfileAst[] = [];
    const cpu0 = process.cpuUsage();
    for (const t of texts) {
      const a = performance.now();
      const ast = parseDockerfile(t);
      const b = performance.now();
      const out = lint(ast);
      const c = performance.now();
      pt.push(b - a);
      lt.push(c - b);
      asts.push(ast);
      if (r === 0) findings += out.length;
    }
    const cpu = process.cpuUsage(cpu0);
    const parseTotal = pt.reduce((x, y) => x + y, 0);
    const lintTotal = lt.reduce((x, y) => x + y, 0);
    if (lintTotal < best.lint) {
      best = { parse: parseTotal, lint: lintTotal, cpu: (cpu.user + cpu.system) / 1000 };
      lintTimes = lt;
      parseTimes = pt;
    }
  }
  console.log(`findings: ${findings}; best of ${rounds} passes:`);
  console.log(stats('parse', parseTimes, best.parse));
  console.log(stats('lint (all rules)', lintTimes, best.lint));
  console.log(`parse + lint: ${(best.parse + best.lint).toFixed(1)} ms wall, ${best.cpu.toFixed(1)} ms CPU for the corpus`);

  if (spawnSync('shellcheck', ['--version']).status === 0) {
    const st: number[] = [];
    const t0 = performance.now();
    for (const t of texts) {
      const a = performance.now();
      await runShellcheck(parseDockerfile(t));
      st.push(performance.now() - a);
    }
    console.log(stats('shellcheck (per file)', st, performance.now() - t0));
  } else {
    console.log('shellcheck: not installed, not timed');
  }

  const hadolint = spawnSync('hadolint', ['--version'], { encoding: 'utf8' });
  if (hadolint.status === 0) {
    const ht: number[] = [];
    const t0 = performance.now();
    for (const f of files) {
      const a = performance.now();
      spawnSync('hadolint', ['--no-fail', f]);
      ht.push(performance.now() - a);
    }
    console.log(stats('hadolint (process)', ht, performance.now() - t0));
  } else {
    console.log('hadolint: not installed here, no side-by-side numbers');
  }
}
