// docker commit against berthd (needs root, runc, the docker CLI, dist/ built): the new layer is the
// container's upper directory (deletions as whiteouts, no runtime mount points), the config is the
// container's plus --change, and the record matches what Docker Engine 20.10 writes (parent,
// container, container_config, a history entry with the command, author and comment).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tar from 'tar-stream';
import { engineTestOptions, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); });

/** Entry names of the image's top layer, read from `docker save`. */
async function topLayerNames(image: string): Promise<string[]> {
  const saved = await e.client.getImage(image).get();
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (h, s, next) => { const c: Buffer[] = []; s.on('data', (d: unknown) => { c.push(d as Buffer); }); s.on('end', () => { files.set(h.name, Buffer.concat(c)); next(); }); });
  await new Promise<void>((resolve, reject) => { extract.on('finish', resolve); extract.on('error', reject); saved.pipe(extract); });
  const manifest = JSON.parse(files.get('manifest.json')!.toString()) as { Layers: string[] }[];
  const layer = files.get(manifest[0].Layers[manifest[0].Layers.length - 1])!;
  const names: string[] = [];
  const inner = tar.extract();
  inner.on('entry', (h, s, next) => { names.push(h.name); s.resume(); s.on('end', next); });
  await new Promise<void>((resolve, reject) => { inner.on('finish', resolve); inner.on('error', reject); inner.end(layer); });
  return names;
}

test('docker commit: layer from the upper dir, config with --change, Docker 20.10 record', opts, async () => {
  assert.equal((await e.docker(['run', '--name', 'cm', '-e', 'FOO=bar', 'busybox', 'sh', '-c', 'echo hi > /hello; rm -f /bin/zcat; mkdir -p /d; touch /d/x'])).code, 0);
  const c = await e.docker(['commit', '-a', 'Me <me@x>', '-m', 'my msg', '-c', 'ENV A=b', '-c', 'CMD ["sh"]', '-c', 'EXPOSE 8080', '-c', 'LABEL k=v', 'cm', 'cm-img:v1']);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const img = await e.client.getImage('cm-img:v1').inspect() as unknown as Record<string, any>;
  const ct = await e.client.getContainer('cm').inspect();
  const base = await e.client.getImage('busybox').inspect();
  assert.equal(img.Parent, base.Id);
  assert.equal(img.Container, ct.Id);
  assert.equal(img.Author, 'Me <me@x>');
  assert.equal(img.Comment, 'my msg');
  assert.deepEqual(img.Config.Env, ['FOO=bar', 'A=b']);
  assert.deepEqual(img.Config.Cmd, ['sh']);
  assert.deepEqual(img.Config.ExposedPorts, { '8080/tcp': {} });
  assert.equal(img.Config.Labels.k, 'v');
  assert.equal(img.Config.Hostname, ct.Config.Hostname);
  assert.deepEqual(img.ContainerConfig.Cmd, ['sh', '-c', 'echo hi > /hello; rm -f /bin/zcat; mkdir -p /d; touch /d/x']);
  assert.equal(img.RootFS.Layers.length, (base.RootFS.Layers ?? []).length + 1);
  const hist = (await e.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'cm-img:v1'])).stdout.split('\n');
  assert.equal(hist[0], 'sh -c echo hi > /hello; rm -f /bin/zcat; mkdir -p /d; touch /d/x|my msg');

  const names = await topLayerNames('cm-img:v1');
  assert.ok(names.includes('hello'), names.join(' '));
  assert.ok(names.includes('bin/.wh.zcat'), names.join(' '));
  assert.ok(names.includes('d/x'), names.join(' '));
  for (const mp of ['etc/hosts', 'etc/hostname', 'etc/resolv.conf']) assert.ok(!names.includes(mp), `${mp} is a runtime mount point, not a change`);

  const run = await e.docker(['run', '--rm', 'cm-img:v1', 'sh', '-c', 'cat /hello; test -e /bin/zcat || echo gone; echo $A $FOO']);
  assert.equal(run.stdout, 'hi\ngone\nb bar\n', run.stderr);

  // until a second ahead: "now" in whole seconds may fall before the event's own timestamp.
  const ev = await e.docker(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'event=commit', '--format', '{{.Actor.Attributes.imageID}}']);
  assert.equal(ev.stdout.trim(), c.stdout.trim());
});

test('docker commit of a running container pauses it only while reading, then it keeps running', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'cr', 'busybox', 'sh', '-c', 'echo run > /r; sleep 1000'])).code, 0);
  const c = await e.docker(['commit', 'cr']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal((await e.docker(['inspect', '-f', '{{.State.Status}}', 'cr'])).stdout.trim(), 'running');
  // Untagged: listed as <none>, and it runs.
  const id = c.stdout.trim();
  assert.equal((await e.docker(['run', '--rm', id, 'cat', '/r'])).stdout, 'run\n');
  const np = await e.docker(['commit', '--pause=false', '-c', 'WORKDIR /tmp', 'cr', 'cr-img']);
  assert.equal(np.code, 0, np.stderr);
  assert.equal((await e.docker(['image', 'inspect', '-f', '{{.Config.WorkingDir}}', 'cr-img:latest'])).stdout.trim(), '/tmp');
  await e.docker(['rm', '-f', 'cr']);
});

test('docker commit refuses bad changes, unknown containers and bad names with clear errors', opts, async () => {
  assert.equal((await e.docker(['create', '--name', 'cb', 'busybox', 'true'])).code, 0);
  const bad = await e.docker(['commit', '-c', 'RUN echo x', 'cb']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /RUN is not a valid change command/);
  const none = await e.docker(['commit', 'no-such-container']);
  assert.match(none.stderr, /No such container: no-such-container/);
  const name = await e.docker(['commit', 'cb', 'Bad:Name:x']);
  assert.notEqual(name.code, 0);
  // A created container never ran: committing it gives the image's files and no new layer.
  const empty = await e.docker(['commit', 'cb', 'cb-img']);
  assert.equal(empty.code, 0, empty.stderr);
  const layers = (await e.docker(['image', 'inspect', '-f', '{{len .RootFS.Layers}}', 'cb-img'])).stdout.trim();
  assert.equal(layers, (await e.docker(['image', 'inspect', '-f', '{{len .RootFS.Layers}}', 'busybox'])).stdout.trim());
});
