import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, test } from 'node:test';
import type Dockerode from 'dockerode';
import type { EngineCtx } from '../../extension/commands/command-context.js';
import { logInToRegistry } from '../../extension/commands/log-in-registry.js';
import { logOutOfRegistry } from '../../extension/commands/log-out-registry.js';
import { pullImage } from '../../extension/commands/pull-image.js';
import { pushImage } from '../../extension/commands/push-image.js';
import type { Ctx } from '../../extension/ctx.js';
import { BerthCredentials } from '../../extension/registry/berth-credentials.js';
import { credentialHelperRunner } from '../../extension/registry/credential-helper.js';
import { DockerConfig } from '../../extension/registry/docker-config.js';
import { RegistryCredentials } from '../../extension/registry/registry-credentials.js';
import { makeHelperFixture, MemorySecrets, type HelperFixture } from './credential-helper-fixture.js';
import { inputBoxAnswers, inputBoxes, messages, quickPickChoosers } from './fake-vscode.js';

const decode = (h: string): unknown => JSON.parse(Buffer.from(h.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
type Item = Record<string, unknown>;
const pickId = (id: string) => (items: readonly Item[]): Item | undefined => items.find((i) => i.id === id);

interface Calls {
  checkAuth: unknown[];
  pull: { name: string; opts: { authconfig?: { base64: string } } }[];
  push: { ref: string; opts: { authconfig?: { base64: string } } }[];
}

function unauthorized(): Error {
  return Object.assign(new Error('(HTTP code 401) unexpected - unauthorized: authentication required '), { statusCode: 401, json: { message: 'unauthorized: authentication required' } });
}

interface Setup {
  e: EngineCtx;
  calls: Calls;
  secrets: MemorySecrets;
  helper: HelperFixture;
  configFile: string;
  /** What the fake engine does on the next checkAuth / pull. */
  behaviour: { checkAuth?: () => unknown; pull?: () => never };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  messages.length = 0;
  inputBoxAnswers.length = 0;
  inputBoxes.length = 0;
  quickPickChoosers.length = 0;
});

function setup(config: object = {}): Setup {
  const helper = makeHelperFixture();
  const configFile = path.join(helper.dir, 'docker', 'config.json');
  fs.mkdirSync(path.dirname(configFile));
  fs.writeFileSync(configFile, JSON.stringify(config));
  cleanups.push(() => helper.dispose());
  const secrets = new MemorySecrets();
  const registryCredentials = new RegistryCredentials(new BerthCredentials(secrets), new DockerConfig(configFile, credentialHelperRunner(helper.env)));
  const calls: Calls = { checkAuth: [], pull: [], push: [] };
  const behaviour: Setup['behaviour'] = {};
  const stream = (): Readable => Readable.from([Buffer.from('{"status":"done"}\n')]);
  const docker = {
    checkAuth: async (auth: unknown) => {
      calls.checkAuth.push(auth);
      return behaviour.checkAuth ? behaviour.checkAuth() : { Status: 'Login Succeeded' };
    },
    pull: async (name: string, opts: Calls['pull'][number]['opts']) => {
      calls.pull.push({ name, opts });
      if (behaviour.pull) behaviour.pull();
      return stream();
    },
    getImage: (ref: string) => ({
      push: async (opts: Calls['push'][number]['opts']) => {
        calls.push.push({ ref, opts });
        return stream();
      },
    }),
  } as unknown as Dockerode;
  const ctx = { registryCredentials, views: { refresh: () => undefined }, registries: { refresh: () => undefined } } as unknown as Ctx;
  return { e: { ctx, docker, connection: {} as EngineCtx['connection'] }, calls, secrets, helper, configFile, behaviour };
}

const imageNode = (ref: string) => ({ id: `image:${ref}`, label: ref, icon: '', contextValue: 'image.tag', tooltip: () => '', resource: { kind: 'image', id: 'sha256:1', ref, repoTags: [ref] } });

test('Log In asks registry, user and password, checks them with POST /auth, keeps them in SecretStorage; pull and push send them', async () => {
  const s = setup();
  inputBoxAnswers.push('127.0.0.1:5000', 'alice', 'pw');
  quickPickChoosers.push(pickId('berth'));
  await logInToRegistry(s.e)();
  assert.deepEqual(s.calls.checkAuth, [{ username: 'alice', password: 'pw', serveraddress: '127.0.0.1:5000' }]);
  assert.equal(inputBoxes[2].password, true);
  assert.deepEqual(messages.at(-1), { level: 'info', text: 'Logged in to 127.0.0.1:5000 as alice.' });
  assert.deepEqual(JSON.parse(s.secrets.map.get('berth.registry:127.0.0.1:5000') ?? ''), { username: 'alice', password: 'pw' });

  await pullImage(s.e)('127.0.0.1:5000/app:1');
  assert.equal(s.calls.pull[0].name, '127.0.0.1:5000/app:1');
  assert.deepEqual(decode(s.calls.pull[0].opts.authconfig?.base64 ?? ''), { username: 'alice', password: 'pw', serveraddress: '127.0.0.1:5000' });
  await pushImage(s.e)(imageNode('127.0.0.1:5000/app:1'));
  assert.deepEqual(decode(s.calls.push[0].opts.authconfig?.base64 ?? ''), { username: 'alice', password: 'pw', serveraddress: '127.0.0.1:5000' });
  // Another registry gets nothing of alice's.
  await pullImage(s.e)('busybox');
  assert.deepEqual(decode(s.calls.pull[1].opts.authconfig?.base64 ?? ''), {});

  await logOutOfRegistry(s.e.ctx)('127.0.0.1:5000');
  assert.match(messages.at(-1)?.text ?? '', /^Logged out of 127\.0\.0\.1:5000 \(Berth/);
  await pullImage(s.e)('127.0.0.1:5000/app:1');
  assert.deepEqual(decode(s.calls.pull[2].opts.authconfig?.base64 ?? ''), {});
});

test('a refused login says so and stores nothing; an identity token is kept instead of the password', async () => {
  const s = setup();
  s.behaviour.checkAuth = () => {
    throw Object.assign(new Error('(HTTP code 401) unauthorized'), { statusCode: 401, json: { message: 'login to 127.0.0.1:5000 failed: incorrect username or password' } });
  };
  inputBoxAnswers.push('127.0.0.1:5000', 'alice', 'wrong');
  await logInToRegistry(s.e)();
  assert.match(messages.at(-1)?.text ?? '', /^Could not log in to 127\.0\.0\.1:5000: login to 127\.0\.0\.1:5000 failed: incorrect username or password\. Check/);
  assert.equal(s.secrets.map.size, 0);

  s.behaviour.checkAuth = () => ({ Status: 'Login Succeeded', IdentityToken: 'refresh-tok' });
  inputBoxAnswers.push('https://index.docker.io/v1/', 'hubuser', 'pw');
  quickPickChoosers.push(pickId('berth'));
  await logInToRegistry(s.e)();
  assert.deepEqual(s.calls.checkAuth.at(-1), { username: 'hubuser', password: 'pw', serveraddress: 'https://index.docker.io/v1/' });
  await pullImage(s.e)('busybox');
  assert.deepEqual(decode(s.calls.pull[0].opts.authconfig?.base64 ?? ''), { username: 'hubuser', identitytoken: 'refresh-tok', serveraddress: 'https://index.docker.io/v1/' });

  // Escape at any step: nothing is checked.
  inputBoxAnswers.push('127.0.0.1:5000', undefined);
  const before = s.calls.checkAuth.length;
  await logInToRegistry(s.e)();
  assert.equal(s.calls.checkAuth.length, before);
});

test("Log In into the docker config goes through its credsStore helper; Berth's own login takes precedence over it", async () => {
  const s = setup({ credsStore: 'berthtest' });
  inputBoxAnswers.push('127.0.0.1:5000', 'cli-user', 'cli-pw');
  quickPickChoosers.push((items) => {
    assert.equal(items[1].description, 'docker-credential-berthtest');
    return items[1];
  });
  await logInToRegistry(s.e)();
  assert.ok(s.helper.calls().includes('store 127.0.0.1:5000'));
  assert.doesNotMatch(fs.readFileSync(s.configFile, 'utf8'), /cli-pw/);
  await pullImage(s.e)('127.0.0.1:5000/app');
  assert.deepEqual(decode(s.calls.pull[0].opts.authconfig?.base64 ?? ''), { username: 'cli-user', password: 'cli-pw', serveraddress: '127.0.0.1:5000' });

  inputBoxAnswers.push('127.0.0.1:5000', 'berth-user', 'berth-pw');
  quickPickChoosers.push(pickId('berth'));
  await logInToRegistry(s.e)();
  await pullImage(s.e)('127.0.0.1:5000/app');
  assert.equal((decode(s.calls.pull[1].opts.authconfig?.base64 ?? '') as { username: string }).username, 'berth-user');

  // Both logins are listed; log out of the docker config's one.
  quickPickChoosers.push((items) => items.find((i) => String(i.description).includes('docker config')));
  await logOutOfRegistry(s.e.ctx)();
  assert.ok(s.helper.calls().includes('erase 127.0.0.1:5000'));
  assert.match(messages.at(-1)?.text ?? '', /^Logged out of 127\.0\.0\.1:5000 \(docker config/);
});

test('a 401 on pull tells the user to log in with the Berth command', async () => {
  const s = setup();
  s.behaviour.pull = () => {
    throw unauthorized();
  };
  await pullImage(s.e)('127.0.0.1:5000/private:1');
  assert.match(messages.at(-1)?.text ?? '', /^Could not pull 127\.0\.0\.1:5000\/private:1: unauthorized: authentication required\. .*log in with "Berth: Log In to Registry"/);
  await logOutOfRegistry(s.e.ctx)();
  assert.match(messages.at(-1)?.text ?? '', /knows no registry login/);
});
