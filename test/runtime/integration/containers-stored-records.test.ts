// Container, volume and network records written before bodies were checked (values of the wrong type)
// must not break `docker ps -a`, `docker system df`, `docker volume ls` or `docker network ls` for
// everyone: at start berthd repairs them (drops the bad values, one log line) or skips what cannot be
// used (one log line). Needs root, runc, the docker CLI, dist/ built.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineTestOptions, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); });

test('a record with wrongly typed values is repaired at start; an unusable one is skipped; lists work', opts, async () => {
  for (const name of ['good', 'bad']) assert.equal((await e.docker(['create', '--name', name, '--label', 'keep=yes', 'busybox', 'true'])).code, 0);
  const badId = (await e.docker(['inspect', '-f', '{{.Id}}', 'bad'])).stdout.trim();
  await e.crash();
  // What an unchecked create used to store (the bodies), written while the daemon is down.
  const file = join(e.root, 'containers', badId, 'config.v2.json');
  const rec = JSON.parse(readFileSync(file, 'utf8'));
  rec.Config.Labels = { a: 5, keep: 'yes' };
  rec.Config.Tty = 'yes';
  rec.HostConfig.Privileged = 'false';
  rec.HostConfig.Memory = 'lots';
  writeFileSync(file, JSON.stringify(rec));
  const junkDir = join(e.root, 'containers', 'f'.repeat(64));
  mkdirSync(junkDir);
  writeFileSync(join(junkDir, 'config.v2.json'), JSON.stringify({ Id: 5, Name: [] }));
  await e.restart();

  const ps = await e.docker(['ps', '-a', '--format', '{{.Names}} {{.Labels}}']);
  assert.equal(ps.code, 0, ps.stderr);
  assert.deepEqual(ps.stdout.trim().split('\n').sort(), ['bad keep=yes', 'good keep=yes']);
  // (ps waited for the container engine, which opens after the ready line)
  assert.match(e.log(), new RegExp(`container ${badId.slice(0, 12)}: repaired its record, dropped values of the wrong type: Config.Tty, Config.Labels\\["a"\\], HostConfig.Privileged, HostConfig.Memory`));
  assert.match(e.log(), /container f{64}: skipped, the record has no valid Id/);
  const df = await e.docker(['system', 'df']);
  assert.equal(df.code, 0, df.stderr);
  const inspected = JSON.parse((await e.docker(['inspect', 'bad'])).stdout)[0] as { Config: { Labels: Record<string, string>; Tty: boolean }; HostConfig: { Privileged: boolean; Memory: number } };
  assert.deepEqual(inspected.Config.Labels, { keep: 'yes' });
  assert.equal(inspected.Config.Tty, false);
  assert.equal(inspected.HostConfig.Privileged ?? false, false, 'the string "false" is gone, not turned into true');
  assert.equal(inspected.HostConfig.Memory ?? 0, 0);
  // The repair is on disk, so the next start has nothing to say.
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).Config.Labels, { keep: 'yes' });
  const started = await e.docker(['start', '-a', 'bad']);
  assert.equal(started.code, 0, started.stderr);
});

test('volume and network records with wrongly typed labels are repaired at start; the lists work', opts, async () => {
  assert.equal((await e.docker(['volume', 'create', '--label', 'keep=yes', 'bvvol'])).code, 0);
  assert.equal((await e.docker(['network', 'create', '--label', 'keep=yes', 'bvnet'])).code, 0);
  await e.crash();
  const meta = join(e.root, 'volumes', 'bvvol', 'meta.json');
  writeFileSync(meta, JSON.stringify({ ...JSON.parse(readFileSync(meta, 'utf8')), Labels: { a: 5, keep: 'yes' }, Options: [] }));
  const networksFile = join(e.root, 'network', 'networks.json');
  const state = JSON.parse(readFileSync(networksFile, 'utf8')) as { networks: { Name: string; Labels: unknown }[] };
  state.networks.find((n) => n.Name === 'bvnet')!.Labels = { a: 5, keep: 'yes' };
  writeFileSync(networksFile, JSON.stringify(state));
  await e.restart();
  for (const args of [['volume', 'ls'], ['network', 'ls'], ['system', 'df']]) {
    const r = await e.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  }
  assert.match(e.log(), /volume bvvol: repaired its record, dropped values of the wrong type: Labels\["a"\], Options/);
  assert.match(e.log(), /network bvnet: repaired its record, dropped values of the wrong type: Labels\["a"\]/);
  assert.equal((await e.docker(['volume', 'inspect', '-f', '{{json .Labels}}', 'bvvol'])).stdout.trim(), '{"keep":"yes"}');
  assert.equal((await e.docker(['network', 'inspect', '-f', '{{json .Labels}}', 'bvnet'])).stdout.trim(), '{"keep":"yes"}');
  assert.equal((await e.docker(['volume', 'rm', 'bvvol'])).code, 0);
  assert.equal((await e.docker(['network', 'rm', 'bvnet'])).code, 0);
});
