// From an engine event to a rendered tree, with 500 containers and 1,000 images. Target: under 100 ms.
//
// A fake engine (test/extension/fake-engine.ts) serves the lists over a unix socket and sends the events;
// the extension's own EngineConnection follows /events, and the Containers and Images tree providers
// refresh on its notices. VS Code is the fake module of the unit tests, so "rendered" means what the
// workbench asks of a provider after onDidChangeTreeData: getChildren() of the root, getChildren() of
// every expanded node, and getTreeItem() for each node it shows. All repositories count as expanded
// (the worst case: 1,000 tag rows). Measured per event: emit -> last getTreeItem() done.
import '../test/extension/use-fake-vscode.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { EngineConnection } from '../extension/engine/engine-connection.js';
import { changedKinds } from '../extension/engine/resource-events.js';
import type { ContainerSummary } from '../extension/views/container-nodes.js';
import { ContainersProvider } from '../extension/views/containers-view.js';
import type { ImageSummary } from '../extension/views/image-nodes.js';
import { ImagesProvider } from '../extension/views/images-view.js';
import type { ResourceTreeProvider, ViewNode } from '../extension/views/resource-tree.js';
import { FakeEngine } from '../test/extension/fake-engine.js';

const CONTAINERS = 500;
const IMAGES = 1000;
const ROUNDS = 30;

function fakeContainers(n: number): ContainerSummary[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) => {
    const running = i % 3 !== 0;
    // Every fifth container belongs to one of ten Compose projects.
    const labels: Record<string, string> = i % 5 === 0 ? { 'com.docker.compose.project': `project-${(i / 5) % 10}`, 'com.docker.compose.service': `svc-${i}` } : {};
    return {
      Id: i.toString(16).padStart(64, 'c'),
      Names: [`/container-${i}`],
      Image: `registry.example.com/team/app-${i % 40}:1.${i % 7}`,
      Command: '/bin/sh -c "exec server --port 8080"',
      Created: now - i * 60,
      State: running ? 'running' : 'exited',
      Status: running ? `Up ${i % 50 + 1} minutes` : `Exited (${i % 2}) ${i % 9 + 1} hours ago`,
      Ports: running ? [{ IP: '127.0.0.1', PrivatePort: 8080, PublicPort: 20000 + i, Type: 'tcp' }, { PrivatePort: 9090, Type: 'tcp' }] : [],
      Labels: labels,
    };
  });
}

function fakeImages(n: number): ImageSummary[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) => ({
    Id: `sha256:${i.toString(16).padStart(64, 'a')}`,
    // 100 repositories of 10 tags each, one in twenty dangling.
    RepoTags: i % 20 === 19 ? ['<none>:<none>'] : [`registry.example.com/team/repo-${i % 100}:v${Math.floor(i / 100)}`],
    RepoDigests: [`registry.example.com/team/repo-${i % 100}@sha256:${i.toString(16).padStart(64, 'd')}`],
    Created: now - i * 3600,
    Size: 5_000_000 + i * 12_345,
    Labels: null,
  }));
}

/** What the workbench does after onDidChangeTreeData: walk the expanded tree and make every item. */
async function render(provider: ResourceTreeProvider<unknown>): Promise<number> {
  let items = 0;
  const visit = async (nodes: ViewNode[]): Promise<void> => {
    for (const n of nodes) {
      provider.getTreeItem(n);
      items++;
      if (n.children) await visit(await provider.getChildren(n));
    }
  };
  await visit(await provider.getChildren());
  return items;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-trees-'));
  const engine = new FakeEngine(join(dir, 'engine.sock'));
  engine.containers = fakeContainers(CONTAINERS);
  engine.images = fakeImages(IMAGES);
  await engine.start();
  const connection = new EngineConnection({
    target: { kind: 'socket', socketPath: engine.socketPath },
    runtimeScript: '/nonexistent',
    nodePath: process.execPath,
    isRoot: true,
    log: () => undefined,
  });
  try {
    const status = await connection.connect();
    if (status.state !== 'running') throw new Error(`fake engine not reachable: ${JSON.stringify(status)}`);
    const client = (): Dockerode | undefined => connection.client;
    const providers = {
      container: new ContainersProvider(client, () => 'composeProject') as ResourceTreeProvider<unknown>,
      image: new ImagesProvider(client, () => true) as ResourceTreeProvider<unknown>,
    };
    // As ResourceViews wires them: a notice refreshes the views of the kinds it names, and a refreshed
    // view is rendered again.
    let rendered: ((kind: 'container' | 'image', items: number) => void) | undefined;
    for (const kind of ['container', 'image'] as const) {
      providers[kind].onDidChangeTreeData(() => void render(providers[kind]).then((items) => rendered?.(kind, items)));
    }
    connection.on('resources', (events) => {
      for (const k of changedKinds(events)) if (k === 'container' || k === 'image') providers[k].refresh();
    });
    const itemCounts = { container: await render(providers.container), image: await render(providers.image) };

    const times: Record<'container' | 'image', number[]> = { container: [], image: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const kind of ['container', 'image'] as const) {
        const done = new Promise<void>((resolve) => {
          rendered = (k) => {
            if (k === kind) resolve();
          };
        });
        const t0 = performance.now();
        engine.emit(kind === 'container' ? { Type: 'container', Action: 'start', Actor: { ID: `c${i}` } } : { Type: 'image', Action: 'tag', Actor: { ID: `i${i}` } });
        await done;
        times[kind].push(performance.now() - t0);
        // Past the coalescing window, so every round starts from a quiet engine as a user's click does.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    for (const k of ['container', 'image'] as const) times[k].sort((a, b) => a - b);
    console.log(`trees: event -> rendered tree, ${ROUNDS} events each, fake engine on a unix socket`);
    console.table({
      [`containers (${CONTAINERS}, ${itemCounts.container} rows) p50`]: { value: `${pct(times.container, 50).toFixed(1)} ms`, target: '< 100 ms' },
      [`containers p95`]: { value: `${pct(times.container, 95).toFixed(1)} ms`, target: '< 100 ms' },
      [`images (${IMAGES}, ${itemCounts.image} rows) p50`]: { value: `${pct(times.image, 50).toFixed(1)} ms`, target: '< 100 ms' },
      [`images p95`]: { value: `${pct(times.image, 95).toFixed(1)} ms`, target: '< 100 ms' },
    });
  } finally {
    await connection.dispose();
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
