// Preloaded into a language server (NODE_OPTIONS=--require) by bench/lsp-open-once-trace.ts; it
// changes nothing the server does. It records, with wall-clock times comparable across processes:
// each chunk read from stdin and each message written to stdout (method, id, uri), the process's
// CPU time and the main thread's runqueue wait at those moments (getrusage, schedstat), GC
// pauses (perf_hooks), how long execFile/spawn block the main thread (and the CPU they take), and at exit
// every thread's CPU time (schedstat, exact once the thread has stopped running). Written to $BERTH_PROBE_OUT.PID.jsonl when the process exits.
'use strict';
if (process.argv.includes('--stdio') && process.env.BERTH_PROBE_OUT) {
  const fs = require('node:fs');
  const cp = require('node:child_process');
  const { performance, PerformanceObserver } = require('node:perf_hooks');
  const now = () => performance.timeOrigin + performance.now();
  const schedFile = `/proc/self/task/${process.pid}/schedstat`;
  // CPU from getrusage (exact, all threads: V8's compiler and GC helpers count too); the main
  // thread's runqueue wait from schedstat, which the kernel updates when the thread gets a CPU
  // back, i.e. before it can write an answer. (schedstat's run time is not used: for a thread
  // that is running it lags by up to a tick, too coarse for sub-millisecond requests.)
  const sched = () => {
    const c = process.cpuUsage();
    let wait = NaN;
    try {
      wait = Number(fs.readFileSync(schedFile, 'utf8').split(' ')[1]) / 1e6;
    } catch {
      // No /proc: no runqueue times.
    }
    return { run: (c.user + c.system) / 1e3, wait };
  };
  const log = [];
  const out = `${process.env.BERTH_PROBE_OUT}.${process.pid}.jsonl`;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) log.push({ ev: 'gc', t: performance.timeOrigin + e.startTime, dur: e.duration, kind: e.detail ? e.detail.kind : e.kind });
  }).observe({ entryTypes: ['gc'] });
  for (const name of ['spawn', 'execFile']) {
    const original = cp[name];
    cp[name] = function (...args) {
      const t = now();
      const a = sched();
      const r = original.apply(this, args);
      const b = sched();
      log.push({ ev: 'spawn', t, dur: now() - t, run: b.run - a.run, wait: b.wait - a.wait, cmd: String(args[0]) });
      return r;
    };
  }
  const describe = (s) => {
    const m = /"method":"([^"]+)"/.exec(s);
    const id = /"id":(\d+)/.exec(s);
    const uri = /"uri":"([^"]+)"/.exec(s);
    return { method: m ? m[1] : null, id: id ? Number(id[1]) : null, uri: uri ? uri[1] : null };
  };
  // After the server's own reader is attached (the main module runs before this), first in line.
  setImmediate(() => {
    process.stdin.prependListener('data', (chunk) => log.push({ ev: 'in', t: now(), ...describe(chunk.toString('utf8')), ...sched() }));
  });
  const write = process.stdout.write;
  process.stdout.write = function (chunk, ...rest) {
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    // A header written on its own (vscode-jsonrpc's writer) is not a message.
    if (!/^Content-Length: \d+\r\n\r\n$/.test(s)) log.push({ ev: 'out', t: now(), ...describe(s), ...sched() });
    return write.call(this, chunk, ...rest);
  };
  process.on('exit', () => {
    try {
      for (const tid of fs.readdirSync('/proc/self/task')) {
        const [run, wait] = fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
        log.push({ ev: 'thread', tid: Number(tid), main: Number(tid) === process.pid, run: run / 1e6, wait: wait / 1e6 });
      }
    } catch {
      // No /proc: no per-thread times.
    }
    try {
      fs.writeFileSync(out, `${log.map((l) => JSON.stringify(l)).join('\n')}\n`);
    } catch {
      // Nowhere to write: the trace is lost, the server is not affected.
    }
  });
}
