// The request side of build secrets (headers both ways, malformed ones refused without echoing
// them) and the ssh-agent relay a RUN --mount=type=ssh step talks to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSecretsFrom, buildSecretsHeaders } from '../../../runtime/builder/mounts/build-secrets.js';
import { forwardAgent } from '../../../runtime/builder/mounts/ssh-forward.js';

const lower = (h: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

test('secrets and ssh agents travel in two headers and come back as sent', () => {
  const h = lower(buildSecretsHeaders({ token: 'abc', bin: Buffer.from([0, 255]) }, { default: '/run/agent.sock' }));
  const s = buildSecretsFrom(h);
  assert.equal(s.secrets.get('token')?.toString(), 'abc');
  assert.deepEqual([...(s.secrets.get('bin') ?? [])], [0, 255]);
  assert.equal(s.ssh.get('default'), '/run/agent.sock');
  assert.equal(buildSecretsFrom({}).secrets.size, 0);
});

test('a malformed header is refused naming the header, never its content', () => {
  assert.throws(() => buildSecretsFrom({ 'x-berth-build-secrets': 'not-json-s3cr3t' }), (e: Error) => /X-Berth-Build-Secrets/.test(e.message) && !e.message.includes('s3cr3t'));
  const notString = Buffer.from(JSON.stringify({ a: 1 })).toString('base64');
  assert.throws(() => buildSecretsFrom({ 'x-berth-build-secrets': notString }), /secret "a" must be a base64 string/);
  const relative = Buffer.from(JSON.stringify({ default: 'agent.sock' })).toString('base64');
  assert.throws(() => buildSecretsFrom({ 'x-berth-build-ssh': relative }), /absolute socket path/);
});

test('the ssh relay passes bytes both ways and has the mode asked for', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-ssh-'));
  const agent = createServer((c) => c.on('data', (d: Buffer) => c.end(`agent:${d.toString()}`)));
  await new Promise<void>((r) => agent.listen(join(dir, 'agent.sock'), r));
  const fwd = await forwardAgent(join(dir, 'agent.sock'), join(dir, 'relay.sock'), 0o660, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
  try {
    assert.equal(statSync(fwd.path).mode & 0o777, 0o660);
    const reply = await new Promise<string>((resolve, reject) => {
      const c = createConnection(fwd.path, () => c.write('ping'));
      let got = '';
      c.on('data', (d: Buffer) => { got += d.toString(); }).on('end', () => resolve(got)).on('error', reject);
    });
    assert.equal(reply, 'agent:ping');
  } finally {
    await fwd.close();
    agent.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
