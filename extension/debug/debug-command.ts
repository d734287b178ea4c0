// The container's command when it runs under a debugger: the image's own command, with the runtime's
// debugger switched on and listening on all interfaces (the port is published on the host's loopback
// only). No VS Code imports.
import { jdwpOptions, type DebugPlatform } from './debug-config.js';

export interface ImageCommand {
  entrypoint: string[];
  cmd: string[];
}

export interface DebugCommand {
  entrypoint?: string[];
  cmd?: string[];
  env: Record<string, string>;
}

const isNode = (w: string | undefined) => !!w && /(^|\/)node(js)?$/.test(w);
const isPython = (w: string | undefined) => !!w && /(^|\/)python(3(\.\d+)?)?$/.test(w);

/** The command with the debugger on, or a message saying why Berth cannot tell how. */
export function debugCommand(platform: DebugPlatform, image: ImageCommand, debugPort: number): DebugCommand | string {
  const argv = [...image.entrypoint, ...image.cmd];
  switch (platform) {
    case 'node': {
      const flag = `--inspect=0.0.0.0:${debugPort}`;
      // `node app.js`: the flag right after node. Anything else (npm start, a shell script) still
      // starts node somewhere; NODE_OPTIONS reaches it.
      if (isNode(argv[0])) return { entrypoint: [], cmd: [argv[0], flag, ...argv.slice(1)], env: {} };
      return { env: { NODE_OPTIONS: flag } };
    }
    case 'python': {
      if (!isPython(argv[0])) {
        return `the image's command (${JSON.stringify(argv)}) does not start with python, so Berth cannot start it under debugpy; make the Dockerfile's CMD ["python", ...]`;
      }
      return { entrypoint: [], cmd: [argv[0], '-m', 'debugpy', '--listen', `0.0.0.0:${debugPort}`, ...argv.slice(1)], env: {} };
    }
    case 'go':
      // The Dockerfile's `debug` stage already runs the app under Delve.
      return { env: {} };
    case 'java':
      // Every JVM the command starts reads JAVA_TOOL_OPTIONS, whatever starts it (java -jar, a script).
      return { env: { JAVA_TOOL_OPTIONS: jdwpOptions(debugPort) } };
    case 'dotnet':
      // The app runs as it is; the C# extension starts vsdbg beside it through `docker exec`.
      return { env: {} };
  }
}
