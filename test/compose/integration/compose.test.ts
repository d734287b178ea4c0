// berth-compose (dist/berth-compose.js) against the bundled engine and against Docker Engine with the
// same files: containers, networks, volumes, labels, health ordering and logs must come out the same,
// and the bad cases (a healthcheck that never passes, a failing build) must leave nothing down cannot remove.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { importBusybox, runDocker, startDaemon, type TestDaemon } from '../../helpers/daemon';
import { hasExecutable, inCI, isRoot, requireOrSkip } from '../../helpers/prereqs';

const CLI = resolve(__dirname, '../../../dist/berth-compose.js');
const DOCKER_HOST = 'unix:///var/run/docker.sock';
const id = randomBytes(3).toString('hex');
const work = mkdtempSync(join(tmpdir(), 'berth-compose-it-'));
const BASE = `berth-compose-it-${id}/busybox:1`;

interface Engine {
  label: string;
  host: string;
  client: Docker;
}

let bundled: TestDaemon | undefined;
let dockerAnswers = false;
const summaries = new Map<string, Summary>();
const prereq = isRoot && (hasExecutable('/usr/sbin/runc') || hasExecutable('/usr/bin/runc')) && existsSync(CLI);

before(async () => {
  if (!prereq) return;
  bundled = await startDaemon();
  await importBusybox(bundled, BASE);
  const ping = await runDocker(['version', '--format', '{{.Server.Version}}'], { ...process.env, DOCKER_HOST }).catch(() => ({ code: 1 }));
  dockerAnswers = ping.code === 0;
  if (dockerAnswers) {
    const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
    const r = await runDocker(['import', '-', BASE], { ...process.env, DOCKER_HOST }, await busyboxRootfsTar());
    assert.equal(r.code, 0, r.stderr);
  }
});

after(async () => {
  if (dockerAnswers) await runDocker(['rmi', '-f', BASE], { ...process.env, DOCKER_HOST });
  await bundled?.stop();
  await bundled?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

interface CliResult { code: number; stdout: string; stderr: string }

function compose(e: Engine, dir: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, DOCKER_HOST: e.host, BASE_IMAGE: BASE, NO_COLOR: '1', ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolveRun({ code: code ?? -1, stdout, stderr }); });
  });
}

/** The project: a database with a healthcheck, a migration that must complete, a web service built from a Dockerfile. */
function writeProject(project: string): string {
  const dir = join(work, project);
  mkdirSync(join(dir, 'web'), { recursive: true });
  // PID 1 in a container ignores SIGTERM without a handler, so each service traps it (stop is quick).
  const loop = 'trap \\"exit 0\\" TERM; while :; do sleep 1; done';
  writeFileSync(join(dir, 'compose.yaml'), `name: ${project}
services:
  db:
    image: \${BASE_IMAGE}
    command: ["sh", "-c", "echo db starting; sleep 2; touch /tmp/ready; echo db ready; ${loop}"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      retries: 30
    volumes: [data:/data]
  migrate:
    image: \${BASE_IMAGE}
    command: sh -c "echo migrated > /data/migrated; echo migrated"
    volumes: [data:/data]
    depends_on:
      db: {condition: service_healthy}
  web:
    build:
      context: ./web
      args: {BASE: "\${BASE_IMAGE}"}
    environment:
      GREETING: \${GREETING:-hello}
    command: ["sh", "-c", "echo web got $$GREETING; cat /data/migrated; ${loop}"]
    volumes: [data:/data:ro]
    networks:
      default:
        aliases: [frontend]
    depends_on:
      db: {condition: service_healthy}
      migrate: {condition: service_completed_successfully}
  tools:
    image: \${BASE_IMAGE}
    entrypoint: ["sh", "-c"]
    command: ["echo tools $$(id -u):$$(id -g) $$(pwd) $$(grep -c db.example /etc/hosts); trap 'exit 0' TERM; while :; do sleep 1; done"]
    user: "1000:1000"
    working_dir: /tmp
    init: true
    tmpfs: [/scratch]
    extra_hosts: ["db.example:10.1.2.3"]
    labels: {team: core}
    restart: unless-stopped
    deploy: {resources: {limits: {cpus: "0.5", memory: 64m, pids: 64}}}
    networks: [back]
volumes:
  data: {}
networks:
  back: {internal: true}
`);
  writeFileSync(join(dir, 'web', 'Dockerfile'), 'ARG BASE\nFROM $BASE\nRUN echo built > /built\n');
  return dir;
}

interface Summary {
  containers: { name: string; service: string; number: string; oneoff: string; state: string; health: string | null; labels: string[] }[];
  networks: string[];
  volumes: string[];
  logs: string[];
  aliases: string[];
  tools: unknown;
}

async function scenario(e: Engine): Promise<Summary> {
  const project = `bcit-${e.label}-${id}`;
  const dir = writeProject(project);
  try {
    const upR = await compose(e, dir, ['up', '-d', '--wait']);
    assert.equal(upR.code, 0, upR.stderr);
    // Health ordering: web started only after db was ready (its health check passes from then on) and
    // migrate had exited 0. The engine keeps only the last few health results, so db's own log line
    // gives the time; berth-compose's progress shows the order it waited in.
    const inspect = async (name: string) => e.client.getContainer(`${project}-${name}-1`).inspect();
    const [db, migrate, web] = [await inspect('db'), await inspect('migrate'), await inspect('web')];
    const dbLog = await compose(e, dir, ['logs', '--no-color', '--timestamps', 'db']);
    const readyAt = /\| (\S+) db ready/.exec(dbLog.stdout)?.[1];
    assert.ok(readyAt, dbLog.stdout);
    assert.ok(Date.parse(web.State.StartedAt) >= Date.parse(readyAt), 'web started after db was ready');
    assert.ok(Date.parse(web.State.StartedAt) >= Date.parse(migrate.State.FinishedAt), 'web started after migrate exited');
    const order = (line: string) => upR.stderr.indexOf(line);
    assert.ok(order(`Container ${project}-db-1  Healthy`) >= 0 && order(`Container ${project}-db-1  Healthy`) < order(`Container ${project}-web-1  Starting`), upR.stderr);
    assert.ok(order(`Container ${project}-migrate-1  Exited`) < order(`Container ${project}-web-1  Starting`), upR.stderr);
    assert.equal(migrate.State.ExitCode, 0);

    const ps = await compose(e, dir, ['ps', '-a', '--format', 'json']);
    assert.equal(ps.code, 0, ps.stderr);
    assert.deepEqual(ps.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { Service: string }).Service), ['db', 'migrate', 'tools', 'web']);
    const t = await inspect('tools');
    const tools = {
      user: t.Config.User, workingDir: t.Config.WorkingDir, entrypoint: t.Config.Entrypoint, team: t.Config.Labels.team,
      init: t.HostConfig.Init, tmpfs: t.HostConfig.Tmpfs, extraHosts: t.HostConfig.ExtraHosts, restart: t.HostConfig.RestartPolicy?.Name,
      nanoCpus: t.HostConfig.NanoCpus, memory: t.HostConfig.Memory, pids: t.HostConfig.PidsLimit,
      networks: Object.keys(t.NetworkSettings.Networks).map((n) => n.replace(project, 'P')),
      internal: (await e.client.getNetwork(`${project}_back`).inspect()).Internal,
    };
    assert.deepEqual(tools, {
      user: '1000:1000', workingDir: '/tmp', entrypoint: ['sh', '-c'], team: 'core', init: true, tmpfs: { '/scratch': '' },
      extraHosts: ['db.example:10.1.2.3'], restart: 'unless-stopped', nanoCpus: 5e8, memory: 64 * 1024 * 1024, pids: 64, networks: ['P_back'], internal: true,
    });

    const logs = await compose(e, dir, ['logs', '--no-color']);
    assert.equal(logs.code, 0, logs.stderr);
    const logLines = logs.stdout.trim().split('\n').sort();
    for (const want of ['db-1       | db ready', 'migrate-1  | migrated', 'web-1      | web got hello', 'web-1      | migrated', 'tools-1    | tools 1000:1000 /tmp 1']) assert.ok(logLines.includes(want), `${want} in ${logs.stdout}`);

    // Nothing changed: nothing recreated.
    const ids = new Map([db, migrate, web].map((c) => [c.Name, c.Id]));
    const again = await compose(e, dir, ['up', '-d']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /Recreate/);
    assert.equal((await inspect('web')).Id, ids.get(`/${project}-web-1`));

    const ex = await compose(e, dir, ['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING; cat /built; exit 7']);
    assert.equal(ex.code, 7, ex.stderr);
    assert.equal(ex.stdout, 'hello\nbuilt\n');
    const piped = await compose(e, dir, ['exec', '-T', 'web', 'sh', '-c', 'tr a-z A-Z'], {}, 'from stdin\n');
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, 'FROM STDIN\n');
    const run = await compose(e, dir, ['run', '--rm', '--no-deps', 'migrate', 'sh', '-c', 'echo one-off; exit 4']);
    assert.equal(run.code, 4, run.stderr);
    assert.equal(run.stdout, 'one-off\n');

    // A changed variable recreates web alone.
    const changed = await compose(e, dir, ['up', '-d', '--wait'], { GREETING: 'changed' });
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stderr, new RegExp(`Container ${project}-web-1  Recreate`));
    assert.doesNotMatch(changed.stderr, new RegExp(`Container ${project}-db-1  Recreate`));
    assert.equal((await inspect('db')).Id, ids.get(`/${project}-db-1`));

    const all = await e.client.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    const containers = await Promise.all(all.filter((c) => c.Labels['com.docker.compose.project'] === project).map(async (c) => {
      const d = await e.client.getContainer(c.Id).inspect();
      return {
        name: d.Name.slice(1).replace(project, 'P'),
        service: c.Labels['com.docker.compose.service'],
        number: c.Labels['com.docker.compose.container-number'],
        oneoff: c.Labels['com.docker.compose.oneoff'],
        state: d.State.Status,
        health: d.State.Health?.Status ?? null,
        labels: Object.keys(c.Labels).filter((k) => k.startsWith('com.docker.compose.')).sort(),
      };
    }));
    containers.sort((a, b) => a.name.localeCompare(b.name));
    const webNet = (await inspect('web')).NetworkSettings.Networks[`${project}_default`] as { Aliases?: string[] } | undefined;
    assert.ok(webNet, 'web is on the project network');
    const networks = (await e.client.listNetworks()).filter((n) => n.Labels?.['com.docker.compose.project'] === project).map((n) => n.Name.replace(project, 'P')).sort(); // Docker lists networks in no fixed order
    const volumes = ((await e.client.listVolumes()).Volumes ?? []).filter((v) => v.Labels?.['com.docker.compose.project'] === project).map((v) => v.Name.replace(project, 'P'));

    const downR = await compose(e, dir, ['down', '-v', '--rmi', 'local']);
    assert.equal(downR.code, 0, downR.stderr);
    assert.deepEqual(await leftovers(e, project), { containers: 0, networks: 0, volumes: 0, images: 0 });
    return {
      containers,
      networks,
      volumes,
      logs: logLines.filter((l) => !l.startsWith('db-1       | db starting')),
      aliases: (webNet.Aliases ?? []).filter((a) => a === 'web' || a === 'frontend').sort(),
      tools,
    };
  } finally {
    await compose(e, dir, ['down', '-v', '--rmi', 'local']);
  }
}

async function leftovers(e: Engine, project: string) {
  const label = (l: Record<string, string> | undefined | null) => l?.['com.docker.compose.project'] === project;
  return {
    containers: (await e.client.listContainers({ all: true })).filter((c) => label(c.Labels)).length,
    networks: (await e.client.listNetworks()).filter((n) => label(n.Labels) || n.Name.startsWith(project)).length,
    volumes: ((await e.client.listVolumes()).Volumes ?? []).filter((v) => label(v.Labels) || v.Name.startsWith(project)).length,
    images: (await e.client.listImages()).filter((i) => (i.RepoTags ?? []).some((t) => t.startsWith(project))).length,
  };
}

async function badCases(e: Engine): Promise<void> {
  const project = `bcbad-${e.label}-${id}`;
  const port = 20000 + randomBytes(2).readUInt16BE(0) % 20000;
  const dir = join(work, project);
  mkdirSync(join(dir, 'broken'), { recursive: true });
  writeFileSync(join(dir, 'broken', 'Dockerfile'), `FROM ${BASE}\nRUN echo failing step; exit 3\n`);
  writeFileSync(join(dir, 'compose.yaml'), `name: ${project}
services:
  sick:
    image: ${BASE}
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
    healthcheck: {test: ["CMD", "false"], interval: 1s, timeout: 1s, retries: 2}
  broken:
    build: ./broken
    profiles: [broken]
    depends_on: [ok]
  ok:
    image: ${BASE}
    profiles: [broken]
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
  first:
    image: ${BASE}
    profiles: [ports]
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
    ports: ["127.0.0.1:${port}:80"]
  second:
    image: ${BASE}
    profiles: [ports]
    depends_on: [first]
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
    ports: ["127.0.0.1:${port}:80"]
`);
  try {
    const wait = await compose(e, dir, ['up', '-d', '--wait']);
    assert.equal(wait.code, 1);
    assert.match(wait.stderr, new RegExp(`container ${project}-sick-1 is unhealthy`));
    const first = await compose(e, dir, ['--profile', 'broken', 'up', '-d', 'ok']);
    assert.equal(first.code, 0, first.stderr);
    const build = await compose(e, dir, ['--profile', 'broken', 'up', '-d', 'broken']);
    assert.equal(build.code, 1);
    assert.match(build.stderr, /failed to build service "broken": .*(returned a non-zero code: 3|exit code: 3)/);
    // Images are built before any container starts (as Compose does); what ran before stays.
    const ok = await e.client.getContainer(`${project}-ok-1`).inspect();
    assert.equal(ok.State.Running, true);
    const taken = await compose(e, dir, ['--profile', 'ports', 'up', '-d', 'second']);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, new RegExp(`cannot start service "second" \\(container ${project}-second-1\\): .*127\\.0\\.0\\.1:${port} failed: port is already allocated`));
    const downR = await compose(e, dir, ['--profile', 'broken', '--profile', 'ports', 'down', '-v', '--rmi', 'local']);
    assert.equal(downR.code, 0, downR.stderr);
    assert.deepEqual(await leftovers(e, project), { containers: 0, networks: 0, volumes: 0, images: 0 });
  } finally {
    await compose(e, dir, ['--profile', 'broken', '--profile', 'ports', 'down', '-v', '--rmi', 'local']);
  }
}

test('berth-compose on the bundled engine', async (t) => {
  if (!requireOrSkip(t, prereq, 'root, runc and a built dist/ (node scripts/build.mjs)')) return;
  const e = { label: 'berth', host: bundled!.dockerHost, client: bundled!.client };
  summaries.set('berth', await scenario(e));
  await badCases(e);
});

test('berth-compose on Docker Engine', async (t) => {
  if (!requireOrSkip(t, prereq, 'root, runc and a built dist/ (node scripts/build.mjs)')) return;
  if (!requireOrSkip(t, dockerAnswers, `a Docker Engine at /var/run/docker.sock${inCI ? ' (CI starts dockerd)' : ''}`)) return;
  const e = { label: 'docker', host: DOCKER_HOST, client: new Docker({ socketPath: '/var/run/docker.sock' }) };
  summaries.set('docker', await scenario(e));
  await badCases(e);
});

test('both engines end up with the same containers, labels, networks, volumes, aliases and logs', (t) => {
  if (!requireOrSkip(t, prereq, 'root, runc and a built dist/ (node scripts/build.mjs)')) return;
  if (!requireOrSkip(t, dockerAnswers, `a Docker Engine at /var/run/docker.sock${inCI ? ' (CI starts dockerd)' : ''}`)) return;
  assert.equal(summaries.size, 2, 'both engine runs above completed');
  assert.deepEqual(summaries.get('berth'), summaries.get('docker'));
});

test('Debian\'s docker-compose (1.29) sees berth-compose\'s project on Docker Engine, and berth-compose sees its', async (t) => {
  if (!requireOrSkip(t, prereq, 'root, runc and a built dist/ (node scripts/build.mjs)')) return;
  if (!requireOrSkip(t, dockerAnswers, `a Docker Engine at /var/run/docker.sock${inCI ? ' (CI starts dockerd)' : ''}`)) return;
  if (!requireOrSkip(t, hasExecutable('/usr/bin/docker-compose'), 'docker-compose (Debian package docker-compose)')) return;
  const e = { label: 'docker', host: DOCKER_HOST, client: new Docker({ socketPath: '/var/run/docker.sock' }) };
  const project = `bcv1-${id}`;
  const dir = join(work, project);
  mkdirSync(dir, { recursive: true });
  // Compose v1 wants a version and no name:; the project name comes from -p for both tools.
  writeFileSync(join(dir, 'compose.yaml'), `version: "3.8"\nservices:\n  a:\n    image: ${BASE}\n    command: ["sh", "-c", "trap 'exit 0' TERM; echo up; while :; do sleep 1; done"]\n`);
  const v1 = (args: string[]) => new Promise<CliResult>((resolveRun) => {
    const child = spawn('docker-compose', ['-p', project, ...args], { cwd: dir, env: { ...process.env, DOCKER_HOST }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
  });
  try {
    assert.equal((await compose(e, dir, ['-p', project, 'up', '-d'])).code, 0);
    const seen = await v1(['ps', '-q']);
    assert.equal(seen.code, 0, seen.stderr);
    assert.equal(seen.stdout.trim(), (await e.client.getContainer(`${project}-a-1`).inspect()).Id);
    const v1Down = await v1(['down']);
    assert.equal(v1Down.code, 0, v1Down.stderr);
    assert.deepEqual(await leftovers(e, project), { containers: 0, networks: 0, volumes: 0, images: 0 });

    const v1Up = await v1(['up', '-d']);
    assert.equal(v1Up.code, 0, v1Up.stderr);
    const ps = await compose(e, dir, ['-p', project, 'ps', '--format', 'json']);
    assert.deepEqual(ps.stdout.trim().split('\n').map((l) => { const r = JSON.parse(l) as { Name: string; Service: string; State: string }; return [r.Name, r.Service, r.State]; }), [[`${project}_a_1`, 'a', 'running']]);
    const down = await compose(e, dir, ['-p', project, 'down']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await leftovers(e, project), { containers: 0, networks: 0, volumes: 0, images: 0 });
  } finally {
    await compose(e, dir, ['-p', project, 'down', '-t', '1']);
  }
});
