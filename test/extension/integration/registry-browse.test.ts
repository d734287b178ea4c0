// The Registries view's client against Debian's docker-registry (distribution 2.x) with htpasswd
// (basic) auth on 127.0.0.1: an image pushed by Docker Engine shows up in the catalog with its tag,
// digest, size and age; a wrong password is refused with the way to log in; Delete Tag removes it
// (this registry allows deletion: storage.delete.enabled).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Docker from 'dockerode';
import { RegistryClient } from '../../../extension/registry/registry-client.js';
import { requireOrSkip } from '../../helpers/prereqs.js';
import { ensureBaseImage } from '../../e2e/engine-fixtures.js';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../../runtime/registry/helpers/local-registry.js';

const DOCKER_SOCKET = '/var/run/docker.sock';
const USER = 'browse';
const PASSWORD = 'browse-pw-3';
let registry: LocalRegistry | undefined;
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanup) await c().catch(() => undefined);
  await registry?.stop();
});

test('browse a docker-registry with basic auth: catalog, tags, details; wrong password; delete', { timeout: 5 * 60_000 }, async (t) => {
  const binary = registryOrSkip();
  if ('skip' in binary) return void t.skip(binary.skip);
  const docker = new Docker({ socketPath: DOCKER_SOCKET });
  if (!requireOrSkip(t, await docker.ping().then(() => true, () => false), `Docker Engine at ${DOCKER_SOCKET} (to push a test image)`)) return;
  registry = await startLocalRegistry(binary.binary, { htpasswd: { username: USER, password: PASSWORD } });
  await ensureBaseImage(DOCKER_SOCKET);
  const repo = `${registry.host}/berth-browse-${process.pid}/busybox`;
  await docker.getImage('busybox:latest').tag({ repo, tag: 'one' });
  cleanup.push(() => docker.getImage(`${repo}:one`).remove());
  const auth = { username: USER, password: PASSWORD, serveraddress: registry.host };
  const stream = (await docker.getImage(`${repo}:one`).push({ authconfig: auth })) as unknown as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
    const failed = err?.message ?? out.find((o) => o.error)?.error;
    if (failed) reject(new Error(failed));
    else resolve();
  }));

  const c = new RegistryClient(registry.host, async () => ({ username: USER, password: PASSWORD }));
  const repos = await c.repositories();
  assert.deepEqual(repos.items, [`berth-browse-${process.pid}/busybox`]);
  const tags = await c.tags(repos.items[0]);
  assert.deepEqual(tags.items, ['one']);
  const d = await c.tagDetails(repos.items[0], 'one');
  assert.match(d.digest ?? '', /^sha256:[0-9a-f]{64}$/);
  assert.ok((d.size ?? 0) > 100_000, `size ${d.size}`);
  assert.ok(d.created && !Number.isNaN(Date.parse(d.created)));
  await assert.rejects(new RegistryClient(registry.host, async () => ({ username: USER, password: 'wrong' })).repositories(), /refused to list its repositories.*Log in with "Berth: Log In to Registry"/);
  await assert.rejects(new RegistryClient(registry.host, async () => undefined).tags(repos.items[0]), /refused to list the tags/);
  await c.deleteManifest(repos.items[0], d.digest!);
  assert.deepEqual((await c.tags(repos.items[0])).items, []);
  await assert.rejects(c.tagDetails(repos.items[0], 'one'), /found nothing when asked to read/);
});
