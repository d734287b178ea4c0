// docker save / docker load (docker-archive, gzip, OCI layout), the round trip through Docker Engine,
// and hostile or broken input: each is refused with a clear error and leaves nothing behind.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { importBusybox, runDocker, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { inCI, requireOrSkip } from '../../helpers/prereqs.js';
import { makeTar } from '../../helpers/tar-builder.js';

let d: TestDaemon;
let busybox: string;
before(async () => {
  d = await startDaemon();
  busybox = await importBusybox(d, 'busybox:latest');
});
after(async () => { await d.stop(); await d.cleanup(); });

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

async function save(names: string[]): Promise<Buffer> {
  const r = await d.client.getImage(names[0]).get();
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Everything under the root that is not a committed image: temp files, unreferenced layers. */
function leftovers(): { tmp: string[]; layers: number } {
  return { tmp: readdirSync(join(d.root, 'tmp')), layers: readdirSync(join(d.root, 'layers')).length };
}

function loadRaw(body: Buffer, quiet = true): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method: 'POST', path: `/v1.41/images/load?quiet=${quiet ? 1 : 0}`, headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('docker save writes a 20.10-style docker-archive', async () => {
  const r = await d.docker(['save', 'busybox']);
  assert.equal(r.code, 0, r.stderr);
  const tar = await save(['busybox']);
  const names: string[] = [];
  const tarStream = await import('tar-stream');
  const ex = tarStream.extract();
  const files = new Map<string, Buffer>();
  ex.on('entry', (h, s, next) => {
    names.push(h.name);
    const parts: Buffer[] = [];
    s.on('data', (c: unknown) => { parts.push(c as Buffer); });
    s.on('end', () => { files.set(h.name, Buffer.concat(parts)); next(); });
  });
  await new Promise<void>((res, rej) => { ex.on('finish', () => res()); ex.on('error', rej); ex.end(tar); });
  const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '[]');
  assert.deepEqual(manifest[0].RepoTags, ['busybox:latest']);
  assert.equal(manifest[0].Config, `${busybox.slice(7)}.json`);
  assert.equal(sha(files.get(manifest[0].Config) as Buffer), busybox.slice(7));
  assert.match(manifest[0].Layers[0], /^[0-9a-f]{64}\/layer\.tar$/);
  assert.ok(names.includes('repositories'));
  const config = JSON.parse((files.get(manifest[0].Config) as Buffer).toString());
  assert.equal(`sha256:${sha(files.get(manifest[0].Layers[0]) as Buffer)}`, config.rootfs.diff_ids[0]);
});

test('save then load round trip (plain and gzip), quiet and not quiet', async () => {
  const tar = await save(['busybox']);
  await d.docker(['tag', 'busybox', 'rt:1']);
  assert.equal((await d.docker(['rmi', 'busybox'])).code, 0);
  const loud = await loadRaw(tar, false);
  assert.equal(loud.status, 200);
  assert.match(loud.body, /"status":"Loading layer"/);
  assert.match(loud.body, /Loaded image: busybox:latest/);
  const cli = await d.docker(['load'], { input: gzipSync(tar) });
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(cli.stdout.trim(), 'Loaded image: busybox:latest');
  const id = await d.docker(['image', 'inspect', '--format', '{{.Id}}', 'busybox']);
  assert.equal(id.stdout.trim(), busybox);
  await d.docker(['rmi', 'rt:1']);
});

test('loads an OCI image layout and verifies blob digests', async () => {
  const layer = await makeTar([{ name: 'hello.txt', content: 'hi from oci' }]);
  const layerGz = gzipSync(layer);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['cat', '/hello.txt'] }, rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${sha(layerGz)}`, size: layerGz.length }],
  }));
  const index = (m: Buffer) => JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(m)}`, size: m.length, annotations: { 'io.containerd.image.name': 'docker.io/library/oci-img:3', 'org.opencontainers.image.ref.name': '3' } }] });
  const layout = (layerBytes: Buffer) => makeTar([
    { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', content: index(manifest) },
    { name: `blobs/sha256/${sha(manifest)}`, content: manifest },
    { name: `blobs/sha256/${sha(config)}`, content: config },
    { name: `blobs/sha256/${sha(layerGz)}`, content: layerBytes },
  ]);
  const ok = await d.docker(['load'], { input: await layout(layerGz) });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), 'Loaded image: oci-img:3');
  const info = await d.client.getImage('oci-img:3').inspect();
  assert.equal(info.Id, `sha256:${sha(config)}`);
  await d.docker(['rmi', 'oci-img:3']);

  // The same layout whose layer blob does not match its digest.
  const before = leftovers();
  const tampered = gzipSync(await makeTar([{ name: 'hello.txt', content: 'tampered' }]));
  const bad = await d.docker(['load'], { input: await layout(tampered) });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /digest mismatch/);
  assert.equal((await d.docker(['image', 'inspect', 'oci-img:3'])).code, 1);
  assert.deepEqual(leftovers(), before);
});

test('malformed manifest.json is a 400 and stores nothing', async () => {
  const before = leftovers();
  for (const text of ['{not json', '{"Config":"x"}', '[{"Config":1}]']) {
    const r = await loadRaw(await makeTar([{ name: 'manifest.json', content: text }]));
    assert.equal(r.status, 400, r.body);
    assert.match(JSON.parse(r.body).message, /malformed manifest\.json/);
  }
  const neither = await loadRaw(await makeTar([{ name: 'x', content: 'y' }]));
  assert.match(JSON.parse(neither.body).message, /neither manifest\.json nor index\.json/);
  assert.deepEqual(leftovers(), before);
});

test('truncated archives and truncated gzip are refused', async () => {
  const tar = await save(['busybox']);
  const before = leftovers();
  for (const body of [tar.subarray(0, Math.floor(tar.length / 2)), gzipSync(tar).subarray(0, 100_000)]) {
    const r = await d.docker(['load'], { input: body });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not a valid tar|truncated|unexpected end/i);
  }
  const imp = await d.docker(['import', '-', 'trunc:1'], { input: gzipSync(tar).subarray(0, 50_000) });
  assert.equal(imp.code, 1);
  assert.match(imp.stderr, /not a valid tar \(or gzip\)/);
  assert.deepEqual(leftovers(), before);
});

test('hostile rootfs tars are refused by import and leave nothing behind', async () => {
  const before = leftovers();
  const cases: [string, Parameters<typeof makeTar>[0], RegExp][] = [
    ['dotdot', [{ name: '../../etc/evil', content: 'x' }], /contains "\.\."/],
    ['absolute', [{ name: '/etc/evil', content: 'x' }], /absolute path/],
    ['symlink out', [{ name: 'a', content: 'x' }, { name: 'esc', type: 'symlink', linkname: '../../../../etc/passwd' }], /points outside the layer/],
    ['hardlink out', [{ name: 'h', type: 'link', linkname: '../../etc/passwd' }], /outside the layer/],
  ];
  for (const [what, entries, message] of cases) {
    const r = await d.docker(['import', '-', `evil:${what.replace(/ /g, '-')}`], { input: await makeTar(entries) });
    assert.equal(r.code, 1, what);
    assert.match(r.stderr, message, what);
  }
  const images = await d.client.listImages();
  assert.ok(!images.some((i) => (i.RepoTags ?? []).some((t) => t.startsWith('evil'))));
  assert.deepEqual(leftovers(), before);
});

test('round trip through Docker Engine: Berth save -> dockerd load -> dockerd save -> Berth load', async (t) => {
  const env = { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' };
  const ping = await runDocker(['version', '--format', '{{.Server.Version}}'], env).catch(() => ({ code: 1, stdout: '', stderr: '' }));
  if (!requireOrSkip(t, ping.code === 0, `a Docker Engine at /var/run/docker.sock${inCI ? ' (CI starts dockerd)' : ''}`)) return;
  const tag = `berth-roundtrip-${process.pid}:1`;
  await d.docker(['tag', 'busybox', tag]);
  const ours = await save([tag]);
  try {
    const load = await runDocker(['load'], env, ours);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, new RegExp(`Loaded image: ${tag}`));
    const theirId = await runDocker(['image', 'inspect', '--format', '{{.Id}}', tag], env);
    assert.equal(theirId.stdout.trim(), busybox, 'Docker computes the same image ID');
    const run = await runDocker(['run', '--rm', '--network', 'none', tag, '/bin/echo', 'hello from berth'], env);
    if (run.code === 0) assert.equal(run.stdout.trim(), 'hello from berth');
    const saved = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('docker', ['save', tag], { env });
      const parts: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => parts.push(c));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(parts)) : reject(new Error(`docker save exited ${code}`))));
    });
    await d.docker(['rmi', tag]);
    const back = await d.docker(['load'], { input: saved });
    assert.equal(back.code, 0, back.stderr);
    const id = await d.docker(['image', 'inspect', '--format', '{{.Id}}', tag]);
    assert.equal(id.stdout.trim(), busybox);
  } finally {
    await runDocker(['rmi', '-f', tag], env);
    await d.docker(['rmi', tag]);
  }
});
