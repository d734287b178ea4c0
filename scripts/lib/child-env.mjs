// The environment for a child process that should behave as if a person had started it from a shell,
// not from inside `npm start` / `npm test`.
//
// npm exports its whole resolved configuration to the scripts it runs (npm_config_*), plus
// npm_node_execpath, NODE, npm_package_* and npm_lifecycle_*, and puts node_modules/.bin folders and
// its node-gyp shim at the front of PATH. A child npm or an install script then reads the outer npm's
// values instead of its own: code-server's postinstall takes the Node version from
// npm_config_user_agent (the outer npm's "node/v20", though the child runs on Node 24) and refuses
// to install; npm_config_nodedir, npm_config_local_prefix and npm_config_prefix point a nested install
// at the wrong headers and folders. A child npm reads the same .npmrc files itself, so dropping these
// loses nothing; only settings a person may have given on the command line for reaching a registry
// (registry, proxies, certificates, auth, cache) are kept.
import { sep } from 'node:path';

const KEPT_NPM_CONFIG = /^npm_config_(.*registry.*|.*_auth.*|proxy|https_proxy|http_proxy|noproxy|cafile|ca|cert|key|strict_ssl|cache|userconfig|globalconfig)$/;
const NPM_ONLY = /^(npm_package_|npm_lifecycle_)|^(npm_command|npm_execpath|npm_node_execpath|INIT_CWD|NODE)$/;

/** A copy of `env` without what npm put there for its own scripts. */
export function withoutNpmScriptEnv(env = process.env) {
  const out = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name.startsWith('npm_config_') && !KEPT_NPM_CONFIG.test(name)) continue;
    if (NPM_ONLY.test(name)) continue;
    out[name] = value;
  }
  if (out.PATH !== undefined) out.PATH = withoutNpmPathEntries(out.PATH);
  return out;
}

/** PATH without the entries npm prepends for a script (node_modules/.bin folders, the node-gyp shim). */
export function withoutNpmPathEntries(path) {
  const entries = path.split(':');
  let i = 0;
  while (i < entries.length && isNpmScriptEntry(entries[i])) i++;
  return entries.slice(i).join(':');
}

function isNpmScriptEntry(entry) {
  return entry.endsWith(`${sep}node_modules${sep}.bin`) || entry.endsWith(`${sep}node-gyp-bin`);
}
