// dist/language-server.js: the Dockerfile language server. `--stdio` (or --node-ipc, --socket=N,
// as vscode-languageserver reads them from argv) selects the transport.
import { createConnection } from 'vscode-languageserver/node';
import { CompilerTiers } from './compiler-tiers';
import { dockerfileLibrary } from './library';
import { startServer } from './server';
import { createStdioConnection } from './stdio-connection';

// First: before any of the server's code gets hot.
const compilerTiers = new CompilerTiers();

const transports = ['--stdio', '--node-ipc', '--socket=', '--pipe='];
if (!process.argv.some((a) => transports.some((t) => a.startsWith(t)))) {
  process.stderr.write('usage: node dist/language-server.js --stdio | --node-ipc | --socket=PORT | --pipe=NAME\n');
  process.exit(2);
}

const connection = process.argv.includes('--stdio') ? createStdioConnection() : createConnection();
// Last line of defence: whatever slips past the handler guards is logged, and the server serves on.
process.on('uncaughtException', (e) => connection.console.error(`berth: uncaught: ${e.stack ?? e.message}`));
// Killed by a signal, exit through process.exit, so running ShellCheck processes are stopped and
// their temporary folders removed (the 'exit' hook in shellcheck-process.ts).
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15)));
process.on('unhandledRejection', (e) => connection.console.error(`berth: unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));
startServer(connection, { ...dockerfileLibrary(), compilerTiers });
connection.listen();
