// How the extension starts the language server's process: what differs from `node
// dist/language-server.js --stdio` as other editors start it. Apart from language-client.ts, so
// bench/lsp-latency.ts measures the server as VS Code runs it without importing vscode.

/** Node flags for the server process. A young generation of 2 x 32 MB: linting a 5,000-line
 *  Dockerfile allocates ~13 MB, which with V8's default (1 MB growing slowly for a small heap)
 *  meant several scavenges copying the live parse tree per lint; measured with bench/lsp-latency
 *  (which passes the same flags): scavenges per big open ~10 ms -> ~5 ms, RSS +25 MB. They can
 *  only be set at start-up (v8.setFlagsFromString does not resize the young generation). */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32', '--min-semi-space-size=32'];

/** Added to the server's environment. TurboFan from the start (language-server/compiler-tiers.ts):
 *  VS Code opens documents one at a time, as someone opens them, and edits them, where compiled
 *  code pays (lsp-latency: open p99 2.8-3.8 ms with it from the start, 5.5-6.2 when it is turned on
 *  at the first edit, whose compiles then land on the next files; a 5,000-line file 29 ms at worst
 *  against 42-55). Other editors' clients may open a whole workspace in a row, where it does not. */
export const SERVER_ENV: Readonly<Record<string, string>> = { BERTH_LSP_TURBOFAN: '1' };
