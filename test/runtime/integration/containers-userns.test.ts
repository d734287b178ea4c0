// Containers in their own user namespaces (berthd --userns auto, HostConfig.UsernsMode; needs root,
// runc, the docker CLI, dist/ built, and a kernel with idmapped overlay layers): each container's
// /proc/self/uid_map shows its own 65536 ids, ranges are disjoint, root in one container owns nothing
// in another's volume, bind-mount writes land with the mapped owner, docker info says name=userns,
// UsernsMode host opts out, unknown modes and Docker's conflicts are 400s, ranges survive a daemon
// restart and are freed by rm.
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { RUNTIME_BUNDLE } from '../../helpers/berthd-process.js';
import { engineTestOptions, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
const scratch = mkdtempSync(join(tmpdir(), 'berth-userns-'));
before(async () => { if (!opts.skip) e = await startEngine({ args: ['--userns', 'auto'] }); });
after(async () => {
  await e?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

interface Range { inside: number; outside: number; count: number }
const parseMap = (text: string): Range[] => text.trim().split('\n').map((l) => {
  const [inside, outside, count] = l.trim().split(/\s+/).map(Number);
  return { inside, outside, count };
});

async function ok(args: string[]): Promise<string> {
  const r = await e.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const execMap = async (name: string, file = 'uid_map'): Promise<Range[]> => parseMap(await ok(['exec', name, 'cat', `/proc/self/${file}`]));

test('a folder above the engine root that other users cannot pass is a 400 naming the chmod to run', opts, async () => {
  // The fixture's temp folder is 0700, as mkdtemp makes it.
  const r = await e.docker(['run', '--rm', 'busybox', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /cannot reach the engine's folder .*does not let other users through \(mode 700\); run chmod o\+x /);
  chmodSync(dirname(e.root), 0o711);
  await ok(['run', '--rm', 'busybox', 'true']);
  // The way to containers/ and volumes/ is open (pass-through only); nothing else is, to other users.
  for (const dir of ['', 'containers', 'volumes']) assert.equal(statSync(join(e.root, dir)).mode & 0o777, 0o711, dir);
  for (const dir of ['layers', 'content', 'run', 'tmp']) assert.equal(statSync(join(e.root, dir)).mode & 0o007, 0, dir);
  const hostId = (await ok(['create', '--userns', 'host', 'busybox', 'true'])).trim();
  assert.equal(statSync(join(e.root, 'containers', hostId)).mode & 0o777, 0o700, 'a container without its own user namespace');
  await ok(['rm', hostId]);
});

test('each container gets its own 65536 ids: uid_map and gid_map show them, ranges are disjoint, exec joins the namespace', opts, async () => {
  await ok(['run', '-d', '--name', 'ua', 'busybox', 'sleep', '300']);
  await ok(['run', '-d', '--name', 'ub', 'busybox', 'sleep', '300']);
  const [a] = await execMap('ua');
  const [b] = await execMap('ub');
  for (const m of [a, b]) {
    assert.equal(m.inside, 0);
    assert.equal(m.count, 65536);
    assert.ok(m.outside >= 65536, `root maps to host id ${m.outside}, not a low id`);
  }
  assert.ok(a.outside + a.count <= b.outside || b.outside + b.count <= a.outside, `ranges overlap: ${JSON.stringify([a, b])}`);
  assert.deepEqual(await execMap('ua', 'gid_map'), [a]);
  assert.equal((await ok(['exec', 'ua', 'id', '-u'])).trim(), '0', 'root inside');
  // Seen from the host, the container's init runs as the first id of its range.
  const pid = (await ok(['inspect', '-f', '{{.State.Pid}}', 'ua'])).trim();
  assert.equal(statSync(`/proc/${pid}`).uid, a.outside);
  // The image's files are root's inside (idmapped layers), not copies.
  assert.match(await ok(['exec', 'ua', 'stat', '-c', '%u:%g', '/bin/busybox']), /^0:0$/m);
  const id = (await ok(['inspect', '-f', '{{.Id}}', 'ua'])).trim();
  assert.ok(!existsSync(join(e.root, 'containers', id, 'upper', 'bin')), 'no layer file was copied up');
  await ok(['rm', '-f', 'ua', 'ub']);
});

test("root in container A owns nothing in container B's volume", opts, async () => {
  await ok(['run', '-d', '--name', 'vb', '-v', 'bvol:/data', 'busybox', 'sh', '-c', 'echo b > /data/file && sleep 300']);
  const [b] = await execMap('vb');
  const mountpoint = (await ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'bvol'])).trim();
  // The volume was made for B's root, and B's file has B's host ids.
  assert.equal(statSync(mountpoint).uid, b.outside);
  assert.equal(statSync(join(mountpoint, 'file')).uid, b.outside);
  // Its folder lets only B's group through: no other container's root, no other host user.
  const folder = statSync(dirname(mountpoint));
  assert.equal(folder.mode & 0o777, 0o710);
  assert.equal(folder.gid, b.outside);
  const r = await e.docker(['run', '--rm', '--name', 'va', '-v', 'bvol:/data', 'busybox', 'sh', '-c', 'echo a > /data/file']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /volume bvol belongs to another container's user namespace or to the host's root: root in this container \(its own user namespace\) cannot use it/);
  // Even handed the volume's files (a bind mount of its _data), A's root is nobody there.
  chmodSync(dirname(mountpoint), 0o711);
  const bound = await e.docker(['run', '--rm', '-v', `${mountpoint}:/data`, 'busybox', 'sh', '-c',
    'cat /proc/self/uid_map; stat -c "%u:%g" /data/file; echo a > /data/file && echo wrote-file; touch /data/new && echo wrote-new; rm -f /data/file && echo removed; true']);
  assert.equal(bound.code, 0, bound.stderr);
  const [a] = parseMap(bound.stdout.split('\n')[0]);
  assert.notEqual(a.outside, b.outside);
  assert.match(bound.stdout, /^65534:65534$/m, "B's files are nobody's in A");
  assert.doesNotMatch(bound.stdout, /wrote-file|wrote-new|removed/);
  assert.equal((await ok(['exec', 'vb', 'cat', '/data/file'])).trim(), 'b');
  await ok(['rm', '-f', 'vb']);
  await ok(['volume', 'rm', 'bvol']);
});

test('files written to a bind mount land on the host with the mapped owner', opts, async () => {
  const dir = join(scratch, 'bind');
  rmSync(dir, { recursive: true, force: true });
  // runc 1.1 makes bind mounts as the container's root: the folders on the way must let it through.
  chmodSync(scratch, 0o711);
  const out = await ok(['run', '--rm', '-v', `${dir}:/b`, 'busybox', 'sh', '-c', 'touch /b/x 2>&1; true']);
  // -v creates the missing folder as the host's root: root inside cannot write it (as with Docker's userns-remap).
  assert.match(out, /Permission denied/);
  chmodSync(dir, 0o1777);
  const out2 = await ok(['run', '--rm', '-v', `${dir}:/b`, 'busybox', 'sh', '-c', 'cat /proc/self/uid_map; touch /b/x; mkdir /b/d; chown 1000:1000 /b/d']);
  const [m] = parseMap(out2);
  assert.equal(statSync(join(dir, 'x')).uid, m.outside);
  assert.equal(statSync(join(dir, 'x')).gid, m.outside);
  assert.equal(statSync(join(dir, 'd')).uid, m.outside + 1000, 'uid 1000 inside is base+1000 outside');
});

test('docker info lists name=userns', opts, async () => {
  const options = JSON.parse(await ok(['info', '--format', '{{json .SecurityOptions}}'])) as string[];
  assert.ok(options.includes('name=userns'), options.join(' '));
});

test('UsernsMode host opts out; docker inspect shows UsernsMode as given', opts, async () => {
  const [m] = parseMap(await ok(['run', '--rm', '--userns', 'host', 'busybox', 'cat', '/proc/self/uid_map']));
  assert.deepEqual(m, { inside: 0, outside: 0, count: 4294967295 });
  await ok(['create', '--name', 'hostns', '--userns', 'host', 'busybox', 'true']);
  assert.equal((await ok(['inspect', '-f', '{{.HostConfig.UsernsMode}}', 'hostns'])).trim(), 'host');
  await ok(['rm', 'hostns']);
  // "auto" through the API (the docker CLI lets only "host" through).
  const c = await e.client.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { UsernsMode: 'auto' } });
  await c.start();
  assert.equal(((await c.inspect()).HostConfig as { UsernsMode?: string }).UsernsMode, 'auto');
  const [own] = await execMap(c.id);
  assert.notEqual(own.outside, 0);
  await c.remove({ force: true });
});

test("unknown modes, --privileged and the host's network are 400s naming why", opts, async () => {
  await assert.rejects(e.client.createContainer({ Image: 'busybox', HostConfig: { UsernsMode: 'keep-id' } }),
    (err: { statusCode?: number; message: string }) => err.statusCode === 400 && /UsernsMode "keep-id" is not supported.*"keep-id" is Podman's/.test(err.message));
  const priv = await e.docker(['create', '--privileged', 'busybox', 'true']);
  assert.match(priv.stderr, /privileged mode is incompatible with user namespaces/);
  const net = await e.docker(['create', '--network', 'host', 'busybox', 'true']);
  assert.match(net.stderr, /cannot share the host's network namespace when user namespaces are enabled/);
  // With --userns host both are fine, as with Docker.
  await ok(['run', '--rm', '--privileged', '--network', 'host', '--userns', 'host', 'busybox', 'true']);
  assert.equal((await ok(['ps', '-aq'])).trim(), '', 'nothing was left');
});

/** Names and owners of the entries of a tar stream. */
async function owners(stream: NodeJS.ReadableStream): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const extract = tar.extract();
  extract.on('entry', (h, s, next) => { out.set(h.name, `${h.uid}:${h.gid}`); s.resume(); s.on('end', next); });
  await pipeline(stream, extract);
  return out;
}

test('docker cp and docker export carry the container\'s ids, not the host\'s, both ways', opts, async () => {
  await ok(['run', '-d', '--name', 'cp1', 'busybox', 'sh', '-c', 'mkdir /home/u && touch /home/u/f && chown -R 1000:1001 /home/u && sleep 300']);
  const [m] = await execMap('cp1');
  const id = (await ok(['inspect', '-f', '{{.Id}}', 'cp1'])).trim();
  const c = e.client.getContainer(id);
  const fromLayer = await owners(await c.getArchive({ path: '/etc/passwd' }));
  assert.equal(fromLayer.get('passwd'), '0:0');
  const written = await owners(await c.getArchive({ path: '/home/u' }));
  assert.equal(written.get('u/f'), '1000:1001', 'the upper directory holds base+1000 on the host, 1000 in the archive');
  assert.equal(statSync(join(e.root, 'containers', id, 'upper', 'home', 'u', 'f')).uid, m.outside + 1000);
  // In: a file the archive gives to 1000 lands as base+1000, and the container sees 1000.
  const pack = tar.pack();
  pack.entry({ name: 'in.txt', uid: 1000, gid: 1000, mode: 0o644 }, 'hello\n');
  pack.finalize();
  await c.putArchive(pack as unknown as NodeJS.ReadableStream, { path: '/home/u' });
  assert.equal((await ok(['exec', 'cp1', 'stat', '-c', '%u:%g', '/home/u/in.txt'])).trim(), '1000:1000');
  await ok(['stop', '-t', '0', 'cp1']);
  // Stopped: the same through the daemon's own view of its root.
  const exported = await owners(await c.export());
  assert.equal(exported.get('home/u/in.txt'), '1000:1000');
  assert.equal(exported.get('bin/busybox'), '0:0');
  const local = join(scratch, 'out');
  await ok(['cp', 'cp1:/home/u/in.txt', local]);
  await ok(['cp', local, 'cp1:/etc/copied']);
  assert.equal(statSync(join(e.root, 'containers', id, 'upper', 'etc', 'copied')).uid, m.outside, 'root\'s file from the host lands as the container\'s root');
  await ok(['rm', 'cp1']);
});

test('ranges survive a daemon restart; rm frees a range for the next container', opts, async () => {
  await ok(['run', '-d', '--name', 'keep', 'busybox', 'sleep', '300']);
  await ok(['create', '--name', 'stopped', 'busybox', 'cat', '/proc/self/uid_map']);
  const [before] = await execMap('keep');
  await e.crash();
  await e.restart();
  assert.deepEqual(await execMap('keep'), [before], 'the running container keeps its range');
  // The stopped one got its range at create and keeps it across the restart, disjoint from keep's.
  const [stopped] = parseMap(await ok(['start', '-a', 'stopped']));
  assert.notEqual(stopped.outside, before.outside);
  await ok(['run', '-d', '--name', 'fresh', 'busybox', 'sleep', '300']);
  const [fresh] = await execMap('fresh');
  assert.ok(![before.outside, stopped.outside].includes(fresh.outside), 'a new container after the restart gets a range nobody holds');
  // rm frees: the next container may get the freed range again (the first free one is taken).
  await ok(['rm', '-f', 'fresh']);
  await ok(['run', '-d', '--name', 'again', 'busybox', 'sleep', '300']);
  assert.equal((await execMap('again'))[0].outside, fresh.outside);
  await ok(['rm', '-f', 'keep', 'stopped', 'again']);
});

test('a daemon started by an ordinary user (rootless) refuses --userns auto, saying why', opts, () => {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, RUNTIME_BUNDLE, '--userns', 'auto', '--socket', join(scratch, 'nobody.sock'), '--root', join(scratch, 'nobody-root')], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--userns auto: a rootless daemon's containers share its user namespace; per-container ranges need berthd running as root/);
});
