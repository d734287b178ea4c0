// When V8's optimizing compiler (TurboFan) works for the language server, and when it is in the way.
// A client that opens many files in a row (another editor opening a workspace's Dockerfiles, the
// lsp-open-once workload) sends short bursts of varied code: a parse, a hundred rules, a reply.
// TurboFan compiles what gets hot on V8's background threads, 10 to 65 ms per function and about
// 1.2 s of CPU over the 405-file corpus, and on a 2-core machine those threads take the CPU the
// client and the server's main thread are waiting for. Measured on that workload, the main thread
// used the same CPU with TurboFan as without (its code ran no faster over a few hundred files), and
// the compiles were the tail: diagnostics p99 6-8 ms with it, 2.6-3.4 ms without (Node 20; on Node
// 24, whose Maglev mid tier is cheap and stays on, 2.2-2.6 against 4.7-7.2 ms).
// Someone typing in a document is the other case: the same code runs over one document again and
// again, and compiled code pays (lsp-latency: edit p50 1.6 ms with it, 2.2 without; a 5,000-line
// file 16 ms against 41). So the server starts with TurboFan off and turns it on, for good, at the
// first edit. (Not at the first long document: only opened, it is linted once, before any compile
// could help, and a client opening a workspace would get the compiles back for every later file.)
// Interpreter and Sparkplug (V8's baseline compiler, no background work) run the code meanwhile.
// BERTH_LSP_TURBOFAN=1 leaves V8's default from the start.
import * as v8 from 'node:v8';

export type SetV8Flags = (flags: string) => void;

export class CompilerTiers {
  private held = false;

  /** Turns TurboFan off unless `env` asks to keep it. Made first thing in main, before the
   *  server's code gets hot. */
  constructor(env: NodeJS.ProcessEnv = process.env, private readonly setFlags: SetV8Flags = v8.setFlagsFromString) {
    if (env.BERTH_LSP_TURBOFAN === '1') return;
    // Known to the V8 of every Node Berth runs on (20 and later; measured on 20 and 24). An
    // unknown flag would only be a line on stderr, never on stdout (the protocol's channel).
    setFlags('--no-turbofan');
    this.held = true;
  }

  /** TurboFan is off (until an edit). */
  get off(): boolean {
    return this.held;
  }

  /** Someone edits a document. */
  edited(): void {
    if (!this.held) return;
    this.held = false;
    this.setFlags('--turbofan');
  }
}
