// Detection of the project type, the bad inputs of "Add Docker Files to Workspace" (an existing file is
// never overwritten without a yes; a taken port is replaced and said so).
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { detectProject, imageName, markers, projectFacts } from '../../../extension/scaffold/detect';
import { chooseHostPort } from '../../../extension/scaffold/host-port';
import { writePlannedFiles } from '../../../extension/scaffold/write-plan';
import { localPortChecker } from '../../../extension/run/port-plan';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-detect-'));
  dirs.push(dir);
  for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
  return dir;
}

test('each marker file names its ecosystem', async () => {
  assert.deepEqual(await markers(folder({ 'package.json': '{}' })), ['node']);
  assert.deepEqual(await markers(folder({ 'requirements.txt': '' })), ['python']);
  assert.deepEqual(await markers(folder({ 'pyproject.toml': '' })), ['python']);
  assert.deepEqual(await markers(folder({ 'go.mod': 'module x' })), ['go']);
  assert.deepEqual(await markers(folder({ 'pom.xml': '' })), ['java']);
  assert.deepEqual(await markers(folder({ 'build.gradle': '' })), ['java']);
  assert.deepEqual(await markers(folder({ 'Web.csproj': '' })), ['dotnet']);
});

test('an empty folder or one with two ecosystems is not detected, with the reason', async () => {
  const none = await detectProject(folder({}));
  assert.equal(none.found, false);
  assert.match(!none.found ? none.reason : '', /no package\.json/);
  const two = await detectProject(folder({ 'package.json': '{}', 'go.mod': 'module x' }));
  assert.equal(two.found, false);
  assert.match(!two.found ? two.reason : '', /node, go/);
});

test('a Node project: entry from the start script, the lockfile, an HTTP server', async () => {
  const dir = folder({
    'package.json': JSON.stringify({ name: '@acme/My_Web', scripts: { start: 'node src/server.js' }, dependencies: { express: '^4' } }),
    'package-lock.json': '{}',
  });
  const d = await detectProject(dir);
  assert.ok(d.found);
  assert.deepEqual(d.facts, { ecosystem: 'node', name: 'my-web', servesHttp: true, node: { entry: 'src/server.js', lockfile: 'npm', hasBuildScript: false } });
});

test('a Python project: the script, requirements.txt, a web framework', async () => {
  const d = await detectProject(folder({ 'requirements.txt': 'Flask==3.0\n', 'app.py': 'print(1)' }));
  assert.ok(d.found);
  assert.deepEqual(d.facts.python, { entry: { kind: 'script', path: 'app.py' }, requirements: 'requirements.txt' });
  assert.equal(d.facts.servesHttp, true);
});

test('a .NET project: the csproj, its assembly, web or not', async () => {
  const facts = await projectFacts(folder({ 'Shop.Api.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>' }), 'dotnet');
  assert.deepEqual(facts.dotnet, { project: 'Shop.Api.csproj', assembly: 'Shop.Api' });
  assert.equal(facts.servesHttp, true);
});

test('image names follow the repository rules', () => {
  assert.equal(imageName('My App_2'), 'my-app-2');
  assert.equal(imageName('@scope/pkg'), 'pkg');
  assert.equal(imageName('---'), 'app');
});

test('an existing file is overwritten only after a yes, and kept as it was after a no', async () => {
  const dir = folder({ Dockerfile: 'FROM mine\n' });
  const asked: string[] = [];
  const no = await writePlannedFiles(dir, [{ path: 'Dockerfile', content: 'FROM new\n' }, { path: '.dockerignore', content: 'x\n' }], async (rel) => {
    asked.push(rel);
    return false;
  });
  assert.deepEqual(asked, ['Dockerfile']);
  assert.deepEqual(no, { written: ['.dockerignore'], kept: ['Dockerfile'] });
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM mine\n');
  const yes = await writePlannedFiles(dir, [{ path: 'Dockerfile', content: 'FROM new\n' }], async () => true);
  assert.deepEqual(yes.written, ['Dockerfile']);
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM new\n');
});

test('a port taken on this machine is replaced by a free one, and the note says so', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const taken = (srv.address() as net.AddressInfo).port;
  try {
    const choice = await chooseHostPort(taken, localPortChecker);
    assert.notEqual(choice.hostPort, taken);
    assert.match(choice.note ?? '', new RegExp(`Port ${taken} is already taken on this machine.*publish the app on ${choice.hostPort}`));
  } finally {
    srv.close();
  }
  const free = await localPortChecker.anyFree('127.0.0.1');
  assert.deepEqual(await chooseHostPort(free, localPortChecker), { hostPort: free });
  assert.match((await chooseHostPort(80, localPortChecker)).note ?? '', /Port 80 needs privileges/);
});
