// System routes through the docker CLI, dockerode and raw HTTP.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d.stop(); await d.cleanup(); });

function raw(method: string, path: string, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('_ping answers HEAD and GET with the headers the CLI reads', async () => {
  for (const method of ['HEAD', 'GET']) {
    const r = await raw(method, '/_ping');
    assert.equal(r.status, 200);
    assert.equal(r.headers['api-version'], '1.41');
    assert.equal(r.headers.ostype, 'linux');
    assert.equal(r.headers['builder-version'], '1');
    assert.equal(r.headers['docker-experimental'], 'false');
    assert.match(String(r.headers['cache-control']), /no-cache/);
    assert.equal(r.body, method === 'GET' ? 'OK' : '');
  }
  assert.equal(String(await d.client.ping()), 'OK');
});

test('versioned and unversioned paths; unknown routes are a JSON 404', async () => {
  assert.equal((await raw('GET', '/v1.41/version')).status, 200);
  assert.equal((await raw('GET', '/version')).status, 200);
  const r = await raw('GET', '/v1.41/nope/nothing');
  assert.equal(r.status, 404);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(r.body), { message: 'page not found' });
});

test('docker version and docker info', async () => {
  const v = await d.docker(['version', '--format', '{{.Server.APIVersion}} {{.Server.Os}}']);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout.trim(), '1.41 linux');
  const info = await d.client.info() as Record<string, unknown>;
  assert.equal(info.DockerRootDir, d.root);
  assert.equal(info.BerthSocket, d.socket);
  assert.equal((info.Swarm as Record<string, unknown>).LocalNodeState, 'inactive');
  assert.equal((info.Swarm as Record<string, unknown>).ControlAvailable, false);
  const cli = await d.docker(['info', '--format', '{{.DockerRootDir}}']);
  assert.equal(cli.stdout.trim(), d.root);
});

test('the first /info after the ready line speaks for the container stack, which opens after that line', async () => {
  const fresh = await startDaemon();
  try {
    const info = await fresh.client.info() as { SecurityOptions: string[]; Warnings: string[] | null };
    assert.ok(info.SecurityOptions.some((o) => o.startsWith('name=seccomp')), JSON.stringify(info.SecurityOptions));
    assert.doesNotMatch((info.Warnings ?? []).join('\n'), /not open yet/);
  } finally {
    await fresh.stop();
    await fresh.cleanup();
  }
});

test('malformed JSON in a request body is a 400 with a message', async () => {
  const r = await raw('POST', '/images/create?fromImage=busybox', '{"fromImage":');
  assert.equal(r.status, 400);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.match(JSON.parse(r.body).message, /malformed JSON/);
});

test('events: live stream (flushed at once), since/until replay and filters', async () => {
  const start = Math.floor(Date.now() / 1000) - 1;
  const stream = await d.client.getEvents({ filters: { type: ['image'] } }) as NodeJS.ReadableStream & { destroy(): void };
  const seen: Record<string, unknown>[] = [];
  const gotTag = new Promise<void>((resolve) => {
    let buf = '';
    stream.on('data', (c: Buffer) => {
      buf += c.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        const e = JSON.parse(line) as Record<string, unknown>;
        seen.push(e);
        if (e.Action === 'tag') resolve();
      }
    });
  });
  const id = await importBusybox(d, 'evt:1');
  await gotTag;
  stream.destroy();
  const actions = seen.map((e) => e.Action);
  assert.ok(actions.includes('import'), `import event in ${actions}`);
  const tag = seen.find((e) => e.Action === 'tag') as { Actor: { ID: string; Attributes: Record<string, string> }; Type: string; scope: string; time: number; timeNano: number };
  assert.equal(tag.Type, 'image');
  assert.equal(tag.Actor.ID, id);
  assert.equal(tag.Actor.Attributes.name, 'evt:1');
  assert.equal(tag.scope, 'local');
  assert.ok(tag.timeNano > 0 && tag.time > 0);

  const until = Math.floor(Date.now() / 1000) + 1;
  const replay = await d.docker(['events', '--since', String(start), '--until', String(until), '--filter', 'event=tag', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /image tag evt:1/);
  assert.doesNotMatch(replay.stdout, /import/);
  await d.docker(['rmi', 'evt:1']);
});

test('system df lists images and layer size', async () => {
  await importBusybox(d, 'df:1');
  const df = await d.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']);
  assert.equal(df.code, 0, df.stderr);
  assert.match(df.stdout, /Images 1/);
  const body = await d.client.df() as { LayersSize: number; Images: { Containers: number }[] };
  assert.ok(body.LayersSize > 1_000_000);
  assert.equal(body.Images[0].Containers, 0);
  await d.docker(['rmi', 'df:1']);
});
