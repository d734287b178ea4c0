import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { login, registryOfServerAddress } from '../../../runtime/registry/login.js';
import { FakeRegistry } from './helpers/fake-registry.js';

describe('login (POST /auth) against a fake registry', () => {
  let fake: FakeRegistry;
  before(async () => {
    fake = await new FakeRegistry().start();
  });
  after(async () => {
    await fake.stop();
  });

  it('succeeds without checking anything when the registry asks for no auth', async () => {
    fake.auth = { kind: 'none' };
    await login({ username: 'u', password: 'p', serveraddress: fake.host });
  });

  it('checks Basic credentials against /v2/', async () => {
    fake.auth = { kind: 'basic', username: 'alice', password: 's3cret' };
    await login({ username: 'alice', password: 's3cret', serveraddress: `http://${fake.host}/v2/` });
    await assert.rejects(login({ username: 'alice', password: 'wrong', serveraddress: fake.host }), (err: Error & { kind?: string }) => {
      assert.equal(err.kind, 'unauthorized');
      assert.match(err.message, new RegExp(`login to ${fake.host} failed: incorrect username or password`));
      return true;
    });
  });

  it('gets a bearer token with the credentials from the token server', async () => {
    fake.auth = { kind: 'bearer', username: 'bob', password: 'pw' };
    fake.tokenRequests.length = 0;
    await login({ username: 'bob', password: 'pw', serveraddress: fake.host });
    assert.equal(fake.tokenRequests.length, 1);
    assert.equal(fake.tokenRequests[0].authorization, `Basic ${Buffer.from('bob:pw').toString('base64')}`);
    await assert.rejects(login({ username: 'bob', password: 'nope', serveraddress: fake.host }), /incorrect username, password or token/);
  });

  it('refuses a login without a username or identity token', async () => {
    await assert.rejects(login({ serveraddress: fake.host }), (err: Error & { kind?: string }) => err.kind === 'invalid' && /needs a username/.test(err.message));
  });

  it('names an unreachable registry', async () => {
    await assert.rejects(login({ username: 'u', password: 'p', serveraddress: '127.0.0.1:1' }), /cannot reach registry 127\.0\.0\.1:1: connection refused/);
  });
});

describe('registryOfServerAddress', () => {
  it('reads the host the docker CLI sends in serveraddress', () => {
    assert.equal(registryOfServerAddress('https://index.docker.io/v1/'), 'index.docker.io');
    assert.equal(registryOfServerAddress('127.0.0.1:5000'), '127.0.0.1:5000');
    assert.equal(registryOfServerAddress('http://localhost:5000/v2/'), 'localhost:5000');
    assert.equal(registryOfServerAddress(''), 'docker.io');
    assert.equal(registryOfServerAddress(undefined), 'docker.io');
  });
});
