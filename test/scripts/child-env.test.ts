import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutNpmPathEntries, withoutNpmScriptEnv } from '../../scripts/lib/child-env.mjs';

// What npm 11 put into a script's environment on the development machine (`npm run` of `env`).
const npmScriptEnv = {
  HOME: '/root',
  EDITOR: 'vi',
  PATH: '/repo/node_modules/.bin:/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:/usr/local/bin:/usr/bin:/bin',
  INIT_CWD: '/repo',
  NODE: '/usr/bin/node',
  npm_command: 'start',
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_nodedir: '/usr',
  npm_config_local_prefix: '/repo',
  npm_config_prefix: '/usr',
  npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  npm_config_loglevel: 'silent',
  npm_config_registry: 'http://127.0.0.1:4873/',
  'npm_config_//127.0.0.1:4873/:_authToken': 'secret',
  npm_config_https_proxy: 'http://proxy:3128',
  npm_config_cache: '/root/.npm',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_node_execpath: '/usr/bin/node',
  npm_lifecycle_event: 'start',
  npm_lifecycle_script: 'node scripts/start.mjs',
  npm_package_name: 'berth',
  npm_package_json: '/repo/package.json',
};

test('a child of npm start gets no npm script variables that would mislead a nested npm', () => {
  const env = withoutNpmScriptEnv(npmScriptEnv);
  for (const gone of ['npm_config_user_agent', 'npm_config_nodedir', 'npm_config_local_prefix', 'npm_config_prefix',
    'npm_config_node_gyp', 'npm_config_loglevel', 'npm_execpath', 'npm_node_execpath', 'npm_command', 'NODE', 'INIT_CWD',
    'npm_lifecycle_event', 'npm_lifecycle_script', 'npm_package_name', 'npm_package_json']) {
    assert.equal(env[gone], undefined, `${gone} is dropped`);
  }
  assert.equal(env.PATH, '/usr/local/bin:/usr/bin:/bin', 'the folders npm put in front of PATH are gone');
});

test('what a person set for reaching a registry, and everything not npm\'s, stays', () => {
  const env = withoutNpmScriptEnv(npmScriptEnv);
  assert.equal(env.npm_config_registry, 'http://127.0.0.1:4873/');
  assert.equal(env['npm_config_//127.0.0.1:4873/:_authToken'], 'secret');
  assert.equal(env.npm_config_https_proxy, 'http://proxy:3128');
  assert.equal(env.npm_config_cache, '/root/.npm');
  assert.equal(env.HOME, '/root');
  assert.equal(env.EDITOR, 'vi');
});

test('only the leading node_modules/.bin and node-gyp-bin entries of PATH are npm\'s', () => {
  assert.equal(withoutNpmPathEntries('/usr/bin:/opt/tool/node_modules/.bin'), '/usr/bin:/opt/tool/node_modules/.bin');
  assert.equal(withoutNpmPathEntries('/usr/bin'), '/usr/bin');
});
