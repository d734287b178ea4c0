// Which project the Compose commands and tasks act on: from a file, from a project group's labels,
// from a task definition.
import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDefinition, taskTarget } from '../../extension/compose/compose-task.js';
import { composeAddress, isComposeFileName, targetFromFile, targetFromLabels } from '../../extension/compose/compose-target.js';
import { containerTree, type ContainerSummary } from '../../extension/views/container-nodes.js';

test('Compose file names: docker compose\'s defaults, overrides and variants; not other YAML', () => {
  for (const f of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml', 'compose.override.yaml', 'docker-compose.prod.yml', '/a/b/Compose.YAML']) {
    assert.ok(isComposeFileName(f), f);
  }
  for (const f of ['values.yaml', 'my-compose.yml', 'compose.json', 'compose.yaml.bak', '.github/workflows/ci.yml']) assert.ok(!isComposeFileName(f), f);
});

test('a default-named file stands for its folder (so its override applies); another file is -f that file', () => {
  assert.deepEqual(targetFromFile('/w/app/compose.yaml'), { files: [], workingDir: '/w/app', chosenFile: '/w/app/compose.yaml' });
  assert.deepEqual(targetFromFile('/w/app/docker-compose.prod.yml'), { files: ['/w/app/docker-compose.prod.yml'], workingDir: '/w/app' });
});

test('a project group: files and folder from the labels docker compose and berth-compose write', () => {
  assert.deepEqual(
    targetFromLabels({
      'com.docker.compose.project': 'shop',
      'com.docker.compose.project.working_dir': '/w/shop',
      'com.docker.compose.project.config_files': '/w/shop/compose.yaml,/w/shop/compose.dev.yaml',
    }),
    { files: ['/w/shop/compose.yaml', '/w/shop/compose.dev.yaml'], workingDir: '/w/shop', projectName: 'shop' },
  );
  // Only the project label (made by hand, or by an old tool): the name alone, for down, restart and logs.
  assert.deepEqual(targetFromLabels({ 'com.docker.compose.project': 'x' }), { files: [], workingDir: '', projectName: 'x' });
  assert.equal(targetFromLabels({}), undefined);
});

test('the Containers view\'s project group carries its target, from its newest container', () => {
  const labels = (files: string): Record<string, string> => ({
    'com.docker.compose.project': 'shop',
    'com.docker.compose.service': 'web',
    'com.docker.compose.project.working_dir': '/w/shop',
    'com.docker.compose.project.config_files': files,
  });
  const old: ContainerSummary = { Id: 'a'.repeat(64), Names: ['/shop-db-1'], Created: 100, State: 'running', Labels: labels('/w/shop/old.yaml') };
  const recent: ContainerSummary = { Id: 'b'.repeat(64), Names: ['/shop-web-1'], Created: 200, State: 'running', Labels: labels('/w/shop/compose.yaml') };
  const [group] = containerTree([old, recent], 'composeProject');
  assert.deepEqual(group.compose, { files: ['/w/shop/compose.yaml'], workingDir: '/w/shop', projectName: 'shop' });
  assert.equal(containerTree([{ ...old, Labels: {} }], 'composeProject')[0].compose, undefined, 'a loose container is no project');
});

test('the engine Berth is connected to, as compose/ names it', () => {
  assert.deepEqual(composeAddress({ kind: 'bundled', socketPath: '/run/berth/engine.sock', root: '/var/lib/berth' }), { kind: 'socket', socketPath: '/run/berth/engine.sock' });
  assert.deepEqual(composeAddress({ kind: 'ssh', host: 'h', port: 22, username: 'u', url: 'ssh://u@h' }), { kind: 'ssh', host: 'h', port: 22, username: 'u' });
});

test('berth-compose task definitions: checked, files relative to the workspace folder', () => {
  assert.match(checkDefinition({ type: 'berth-compose', command: 'start' }) as string, /"command" must be "up" or "down"/);
  assert.match(checkDefinition({ type: 'berth-compose', command: 'up', files: 'compose.yaml' }) as string, /"files" must be a list/);
  assert.match(checkDefinition({ type: 'berth-compose', command: 'up', detached: 'yes' }) as string, /"detached"/);
  const def = checkDefinition({ type: 'berth-compose', command: 'up', files: ['deploy/compose.yaml', 'deploy/compose.dev.yaml'], profiles: ['debug'], projectName: 'p' });
  assert.notEqual(typeof def, 'string');
  if (typeof def === 'string') return;
  assert.deepEqual(taskTarget(def, '/w'), { files: ['/w/deploy/compose.yaml', '/w/deploy/compose.dev.yaml'], workingDir: '/w/deploy', projectName: 'p', profiles: ['debug'] });
  assert.deepEqual(taskTarget({ type: 'berth-compose', command: 'down' }, '/w'), { files: [], workingDir: '/w', projectName: undefined, profiles: undefined });
});
