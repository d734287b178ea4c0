// esbuild plugin for berth-compose: dockerode loads, at its first require, modules only ssh:// engines
// (docker-modem's ssh agent: ssh2, its crypto and zlib) and BuildKit sessions (gRPC, protobufjs, http2)
// use. Evaluating them was a third of every command's start (the bundle's code is cached; running its
// module bodies is not). Here those two requires become functions that require on their first call, so the
// modules are still bundled but run only when a command needs them.
// The patched text is matched exactly: a dependency update that changes it fails the build, to be looked at.
import { readFileSync } from 'node:fs';

/** [file (path suffix), the exact text, the function that replaces its require]. */
const LAZY = [
  ['/docker-modem/lib/modem.js', "ssh = require('./ssh'),", "ssh = lazyFunction(() => require('./ssh')),"],
  ['/dockerode/lib/docker.js', "withSession = require('./session'),", "withSession = lazyFunction(() => require('./session')),"],
];

const HELPER = 'function lazyFunction(load) { let f; return function () { return (f ??= load()).apply(this, arguments); }; }\n';

export const lazyRequiresPlugin = {
  name: 'berth-lazy-requires',
  setup(build) {
    build.onLoad({ filter: /[\\/](docker-modem|dockerode)[\\/]lib[\\/](modem|docker)\.js$/ }, (args) => {
      const entry = LAZY.find(([suffix]) => args.path.replaceAll('\\', '/').endsWith(suffix));
      if (!entry) return undefined;
      const text = readFileSync(args.path, 'utf8');
      const [, from, to] = entry;
      if (!text.includes(from)) {
        return { errors: [{ text: `lazy-requires-plugin: "${from}" is no longer in ${args.path}: update scripts/lib/lazy-requires-plugin.mjs for this version` }] };
      }
      return { contents: HELPER + text.replace(from, to), loader: 'js' };
    });
  },
};
