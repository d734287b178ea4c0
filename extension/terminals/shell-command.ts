// The command an Attach Shell exec runs: bash when the image has it, sh otherwise, decided inside the
// container in one exec rather than probing with a second one.
export const SHELL_COMMAND = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];

/** TERM for shells in VS Code's terminal (xterm.js). */
export const TERMINAL_ENV = ['TERM=xterm-256color'];
