import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import Dockerode from 'dockerode';
import { ContainersProvider } from '../../extension/views/containers-view.js';
import { ImagesProvider } from '../../extension/views/images-view.js';
import { matchesWords, parseFilter } from '../../extension/views/view-filter.js';
import { FakeEngine } from './fake-engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-filter-'));
const engine = new FakeEngine(path.join(dir, 'engine.sock'));
before(() => engine.start());
after(async () => {
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('filters as docker ps --filter writes them; each mistake named', () => {
  assert.deepEqual(parseFilter('container', '  status=running label=tier=web  label=x API '), {
    text: 'status=running label=tier=web label=x API', engine: { status: ['running'], label: ['tier=web', 'x'] }, words: ['api'],
  });
  assert.equal(parseFilter('container', '   '), undefined);
  assert.match(parseFilter('container', 'reference=x') as string, /"reference" is not a filter of the Containers view; use name, label, status/);
  assert.match(parseFilter('container', 'status=up') as string, /status must be one of created, restarting, running/);
  assert.match(parseFilter('image', 'dangling=yes') as string, /dangling must be true or false/);
  assert.match(parseFilter('image', 'label=') as string, /has no value/);
  assert.ok(matchesWords(undefined, []));
  assert.ok(matchesWords(parseFilter('image', 'web API') as never, ['/shop-web-1', 'shop-api:latest']));
  assert.ok(!matchesWords(parseFilter('image', 'db') as never, ['/shop-web-1']));
});

test('the Containers and Images views send the engine filters and match the words on names', async () => {
  engine.containers = [
    { Id: 'a'.repeat(64), Names: ['/shop-web-1'], Image: 'shop-web', State: 'running', Status: 'Up', Created: 2, Labels: {}, Ports: [] },
    { Id: 'b'.repeat(64), Names: ['/shop-db-1'], Image: 'postgres', State: 'running', Status: 'Up', Created: 1, Labels: {}, Ports: [] },
  ];
  engine.images = [
    { Id: 'sha256:' + 'c'.repeat(64), RepoTags: ['shop-web:latest'], Created: 1, Size: 10 },
    { Id: 'sha256:' + 'd'.repeat(64), RepoTags: ['postgres:16'], Created: 1, Size: 10 },
  ];
  const docker = new Dockerode({ socketPath: engine.socketPath });
  const containers = new ContainersProvider(() => docker, () => 'none');
  containers.filter = parseFilter('container', 'status=running web') as never;
  const nodes = await containers.getChildren();
  assert.deepEqual(nodes.map((n) => n.label), ['shop-web-1']);
  const q = new URL(engine.listQueries.at(-1)!, 'http://x').searchParams;
  assert.deepEqual(JSON.parse(q.get('filters')!), { status: ['running'] });
  const images = new ImagesProvider(() => docker, () => false);
  images.filter = parseFilter('image', 'reference=post*') as never;
  await images.getChildren();
  assert.deepEqual(JSON.parse(new URL(engine.listQueries.at(-1)!, 'http://x').searchParams.get('filters')!), { reference: ['post*'] });
  images.filter = undefined;
  images.refresh();
  assert.equal((await images.getChildren()).length, 2);
  assert.equal(new URL(engine.listQueries.at(-1)!, 'http://x').searchParams.get('filters'), null);
});

test("workspace only: containers of images built here, and of Compose projects inside the workspace's folders", async () => {
  const { isWorkspaceContainer } = await import('../../extension/views/workspace-containers.js');
  const built = (id: string) => id.replace(/^sha256:/, '').startsWith('aaaa');
  assert.ok(isWorkspaceContainer({ ImageID: 'sha256:aaaa11' }, ['/ws'], built));
  assert.ok(isWorkspaceContainer({ ImageID: 'sha256:bbbb', Labels: { 'com.docker.compose.project.working_dir': '/ws/shop' } }, ['/ws'], built));
  assert.ok(!isWorkspaceContainer({ ImageID: 'sha256:bbbb', Labels: { 'com.docker.compose.project.working_dir': '/other/shop' } }, ['/ws'], built));
  assert.ok(!isWorkspaceContainer({ ImageID: 'sha256:bbbb', Labels: { 'com.docker.compose.project.working_dir': '/ws-sibling' } }, ['/ws'], built));
  engine.containers = [
    { Id: 'a'.repeat(64), Names: ['/mine'], Image: 'app', ImageID: 'sha256:aaaa', State: 'running', Status: 'Up', Created: 2, Labels: {}, Ports: [] },
    { Id: 'b'.repeat(64), Names: ['/other'], Image: 'x', ImageID: 'sha256:cccc', State: 'running', Status: 'Up', Created: 1, Labels: {}, Ports: [] },
  ];
  const docker = new Dockerode({ socketPath: engine.socketPath });
  let only = true;
  const p = new ContainersProvider(() => docker, () => 'none', () => (only ? { folders: ['/ws'], builtHere: built } : undefined));
  assert.deepEqual((await p.getChildren()).map((n) => n.label), ['mine']);
  only = false;
  p.rebuild();
  assert.deepEqual((await p.getChildren()).map((n) => n.label), ['mine', 'other']);
});
