// Image routes through the docker CLI and dockerode: import, list (filters), inspect, history, tag, rmi, prune.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
let busybox: string;
before(async () => {
  d = await startDaemon();
  busybox = await importBusybox(d, 'busybox:latest');
});
after(async () => { await d.stop(); await d.cleanup(); });

test('docker import makes a one-layer image with changes and message', async () => {
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const r = await d.docker(['import', '--change', 'CMD ["sh"]', '--change', 'ENV A=1 B="two words"', '--change', 'LABEL team=core',
    '--change', 'WORKDIR /tmp', '--change', 'EXPOSE 80', '-m', 'from a test', '-', 'imp/x:2'], { input: await busyboxRootfsTar() });
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  const info = await d.client.getImage('imp/x:2').inspect();
  assert.deepEqual(info.Config.Cmd, ['sh']);
  assert.deepEqual(info.Config.Env, ['A=1', 'B=two words']);
  assert.deepEqual(info.Config.Labels, { team: 'core' });
  assert.equal(info.Config.WorkingDir, '/tmp');
  assert.ok('80/tcp' in (info.Config.ExposedPorts ?? {}));
  assert.equal(info.Comment, 'from a test');
  assert.deepEqual(info.RepoTags, ['imp/x:2']);
  assert.equal(info.RootFS.Layers?.length, 1);
  // Same rootfs, same layer: the import reuses the unpacked layer of busybox.
  const bb = await d.client.getImage('busybox').inspect();
  assert.deepEqual(info.RootFS.Layers, bb.RootFS.Layers);
  await d.docker(['rmi', 'imp/x:2']);
});

test('docker images, inspect by name, ID, short ID and sha256: prefix', async () => {
  const ls = await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, new RegExp(`busybox:latest ${busybox.slice(7, 19)}`));
  for (const name of ['busybox', 'busybox:latest', 'docker.io/library/busybox:latest', busybox, busybox.slice(7, 19), `sha256:${busybox.slice(7, 15)}`]) {
    const r = await d.docker(['image', 'inspect', '--format', '{{.Id}}', name]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), busybox);
  }
  const generic = await d.docker(['inspect', '--format', '{{.Id}}', 'busybox']);
  assert.equal(generic.stdout.trim(), busybox);
});

test('unknown image: 404 with "No such image"', async () => {
  const r = await d.docker(['image', 'inspect', 'nothere:1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /No such image: nothere:1/);
  await assert.rejects(d.client.getImage('nothere').inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
  const rmi = await d.docker(['rmi', 'nothere']);
  assert.match(rmi.stderr, /No such image/);
});

test('history shows the layer and comment', async () => {
  const r = await d.docker(['history', '--format', '{{.ID}} {{.Comment}}', 'busybox']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), `${busybox.slice(7, 19)} Imported from -`);
});

test('tag (201) in familiar and canonical forms; RepoTags are familiar', async () => {
  assert.equal((await d.docker(['tag', 'busybox', 'me/x:1'])).code, 0);
  assert.equal((await d.docker(['tag', 'busybox', 'localhost:5000/y:2'])).code, 0);
  await d.client.getImage('busybox').tag({ repo: 'docker.io/library/foo', tag: 'bar' });
  const info = await d.client.getImage(busybox).inspect();
  assert.deepEqual([...info.RepoTags].sort(), ['busybox:latest', 'foo:bar', 'localhost:5000/y:2', 'me/x:1']);
  const bad = await d.docker(['tag', 'busybox', 'Upper:1']);
  assert.notEqual(bad.code, 0);
});

test('list filters: reference, dangling, label, before/since', async () => {
  const refs = await d.client.listImages({ filters: JSON.stringify({ reference: ['me/*'] }) });
  assert.equal(refs.length, 1);
  assert.deepEqual(refs[0].RepoTags, ['busybox:latest', 'me/x:1', 'localhost:5000/y:2', 'foo:bar'].filter((t) => refs[0].RepoTags?.includes(t)));
  const none = await d.client.listImages({ filters: JSON.stringify({ reference: ['nothing*'] }) });
  assert.equal(none.length, 0);
  const dangling = await d.docker(['images', '-q', '--filter', 'dangling=true']);
  assert.equal(dangling.stdout.trim(), '');
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  await d.docker(['import', '--change', 'LABEL kind=labelled', '-', 'lab:1'], { input: await busyboxRootfsTar() });
  const labelled = await d.docker(['images', '--format', '{{.Repository}}', '--filter', 'label=kind=labelled']);
  assert.equal(labelled.stdout.trim(), 'lab');
  const since = await d.docker(['images', '--format', '{{.Repository}}', '--filter', 'since=busybox']);
  assert.equal(since.code, 0, since.stderr);
  const bad = await d.docker(['images', '--filter', 'colour=red']);
  assert.match(bad.stderr, /invalid filter 'colour'/);
  await d.docker(['rmi', 'lab:1']);
});

test('rmi untags while other tags remain, deletes with the last one', async () => {
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const r = await d.docker(['import', '--change', 'CMD ["true"]', '-', 'rm/a:1'], { input: await busyboxRootfsTar() });
  const id = r.stdout.trim();
  await d.docker(['tag', 'rm/a:1', 'rm/b:1']);
  const first = await d.docker(['rmi', 'rm/a:1']);
  assert.equal(first.stdout.trim(), 'Untagged: rm/a:1');
  const second = await d.docker(['rmi', 'rm/b:1']);
  assert.equal(second.stdout.trim(), `Untagged: rm/b:1\nDeleted: ${id}`);
  assert.equal((await d.docker(['image', 'inspect', id])).code, 1);
});

test('rmi by ID with tags in several repositories needs force', async () => {
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const id = (await d.docker(['import', '--change', 'CMD ["id"]', '-', 'multi/a:1'], { input: await busyboxRootfsTar() })).stdout.trim();
  await d.docker(['tag', 'multi/a:1', 'multi/b:1']);
  const refused = await d.docker(['rmi', id.slice(7, 19)]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /must be forced\) - image is referenced in multiple repositories/);
  const forced = await d.client.getImage(id).remove({ force: true }) as { Untagged?: string; Deleted?: string }[];
  assert.deepEqual(forced.filter((x) => x.Untagged).map((x) => x.Untagged).sort(), ['multi/a:1', 'multi/b:1']);
  assert.deepEqual(forced.filter((x) => x.Deleted).map((x) => x.Deleted), [id]);
});

test('prune removes dangling images; prune -a removes unused tagged ones', async () => {
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const tar = await busyboxRootfsTar();
  const dangling = (await d.docker(['import', '--change', 'CMD ["dangling"]', '-'], { input: tar })).stdout.trim();
  await d.docker(['import', '--change', 'CMD ["kept"]', '-', 'prune/kept:1'], { input: tar });
  const p = await d.docker(['image', 'prune', '-f']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, new RegExp(`deleted: ${dangling}`));
  assert.equal((await d.docker(['image', 'inspect', dangling])).code, 1);
  assert.equal((await d.docker(['image', 'inspect', 'prune/kept:1'])).code, 0);
  const all = await d.client.pruneImages({ filters: JSON.stringify({ dangling: ['false'] }) }) as { ImagesDeleted: unknown[] | null };
  assert.ok((all.ImagesDeleted ?? []).length >= 2);
  const left = await d.client.listImages();
  assert.equal(left.length, 0);
});
