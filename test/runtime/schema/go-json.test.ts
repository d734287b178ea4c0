// The Go-style body decoder: Docker's messages (as dockerd 20.10 printed them for the same bodies),
// Go's null and key-matching rules, and the repair mode used for records on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBody, repairValue } from '../../../runtime/schema/go-json.js';
import { containerConfig, createBody, updateBody } from '../../../runtime/schema/container-schema.js';
import { execCreateBody, networkCreateBody, volumeCreateBody } from '../../../runtime/schema/resource-schemas.js';
import type { GoStruct } from '../../../runtime/schema/go-json.js';

function refusal(body: unknown, schema: GoStruct = createBody): string {
  try {
    decodeBody(body, schema);
  } catch (err) {
    assert.equal((err as { kind: string }).kind, 'invalid');
    return (err as Error).message;
  }
  assert.fail(`accepted ${JSON.stringify(body)}`);
}

// Body -> what dockerd 20.10 answered (probed on /var/run/docker.sock).
const DOCKER_MESSAGES: [unknown, string][] = [
  [{ Labels: { a: 5 } }, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Labels of type string'],
  [{ Memory: 'lots' }, 'json: cannot unmarshal string into Go struct field ContainerConfigWrapper.Memory of type int64'],
  [{ HostConfig: { Memory: 'lots' } }, 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64'],
  [{ Env: { a: 1 } }, 'json: cannot unmarshal object into Go struct field ContainerConfigWrapper.Env of type []string'],
  [{ Env: ['A=1', 5] }, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Env of type string'],
  [{ Tty: 'yes' }, 'json: cannot unmarshal string into Go struct field ContainerConfigWrapper.Tty of type bool'],
  [{ User: 5 }, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.User of type string'],
  [{ Cmd: 5 }, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Cmd of type string'],
  [{ Cmd: [1] }, 'json: cannot unmarshal array into Go struct field ContainerConfigWrapper.Cmd of type string'],
  [{ Entrypoint: { a: 1 } }, 'json: cannot unmarshal object into Go struct field ContainerConfigWrapper.Entrypoint of type string'],
  [{ HostConfig: { Privileged: 'false' } }, 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Privileged of type bool'],
  [{ HostConfig: { Privileged: 0 } }, 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.Privileged of type bool'],
  [{ hostconfig: { privileged: 'x' } }, 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Privileged of type bool'],
  [{ HostConfig: { Memory: 1.5 } }, 'json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.Memory of type int64'],
  [{ HostConfig: { BlkioWeight: -5 } }, 'json: cannot unmarshal number -5 into Go struct field HostConfig.HostConfig.BlkioWeight of type uint16'],
  [{ HostConfig: { ConsoleSize: [-1, 5] } }, 'json: cannot unmarshal number -1 into Go struct field HostConfig.HostConfig.ConsoleSize of type uint'],
  [{ HostConfig: { ConsoleSize: 'x' } }, 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.ConsoleSize of type [2]uint'],
  [{ HostConfig: { PortBindings: { '80/tcp': { HostPort: '80' } } } }, 'json: cannot unmarshal object into Go struct field HostConfig.HostConfig.PortBindings of type []nat.PortBinding'],
  [{ HostConfig: { PortBindings: { '80/tcp': [5] } } }, 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.PortBindings of type nat.PortBinding'],
  [{ HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 80 }] } } }, 'json: cannot unmarshal number into Go struct field PortBinding.HostConfig.PortBindings.HostPort of type string'],
  [{ HostConfig: { RestartPolicy: 'always' } }, 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.RestartPolicy of type container.RestartPolicy'],
  [{ HostConfig: { RestartPolicy: { Name: 5 } } }, 'json: cannot unmarshal number into Go struct field RestartPolicy.HostConfig.RestartPolicy.Name of type string'],
  [{ HostConfig: { Ulimits: [{ Name: 'nofile', Soft: 'a', Hard: 1 }] } }, 'json: cannot unmarshal string into Go struct field Ulimit.HostConfig.Ulimits.Soft of type int64'],
  [{ HostConfig: { Mounts: [{ Type: 'bind', Source: 5, Target: '/x' }] } }, 'json: cannot unmarshal number into Go struct field Mount.HostConfig.Mounts.Source of type string'],
  [{ HostConfig: { Mounts: [5] } }, 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.Mounts of type mount.Mount'],
  [{ HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': 5 } } } }, 'json: cannot unmarshal number into Go struct field LogConfig.HostConfig.LogConfig.Config of type string'],
  [{ HostConfig: { NetworkMode: 5 } }, 'json: cannot unmarshal number into Go struct field HostConfig.HostConfig.NetworkMode of type container.NetworkMode'],
  [{ HostConfig: 5 }, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.HostConfig of type container.HostConfig'],
  [{ ExposedPorts: { '80/tcp': 5 } }, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.ExposedPorts of type struct {}'],
  [{ ExposedPorts: ['80/tcp'] }, 'json: cannot unmarshal array into Go struct field ContainerConfigWrapper.ExposedPorts of type nat.PortSet'],
  [{ Volumes: ['/x'] }, 'json: cannot unmarshal array into Go struct field ContainerConfigWrapper.Volumes of type map[string]struct {}'],
  [{ Healthcheck: { Interval: 'x' } }, 'json: cannot unmarshal string into Go struct field HealthConfig.Healthcheck.Interval of type time.Duration'],
  [{ StopTimeout: 'x' }, 'json: cannot unmarshal string into Go struct field ContainerConfigWrapper.StopTimeout of type int'],
  [{ NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: 'x' } } } }, 'json: cannot unmarshal string into Go struct field EndpointSettings.NetworkingConfig.EndpointsConfig.Aliases of type []string'],
  [{ NetworkingConfig: { EndpointsConfig: { bridge: 5 } } }, 'json: cannot unmarshal number into Go struct field NetworkingConfig.NetworkingConfig.EndpointsConfig of type network.EndpointSettings'],
  [[1], 'json: cannot unmarshal array into Go value of type runconfig.ContainerConfigWrapper'],
  [5, 'json: cannot unmarshal number into Go value of type runconfig.ContainerConfigWrapper'],
];

test('wrongly typed create bodies are refused with dockerd\'s messages', () => {
  for (const [body, message] of DOCKER_MESSAGES) assert.equal(refusal(body), message, JSON.stringify(body));
});

test('the other bodies name their own Go types', () => {
  assert.equal(refusal({ Memory: 'x' }, updateBody), 'json: cannot unmarshal string into Go struct field UpdateConfig.Memory of type int64');
  assert.equal(refusal({ RestartPolicy: 5 }, updateBody), 'json: cannot unmarshal number into Go struct field UpdateConfig.RestartPolicy of type container.RestartPolicy');
  assert.equal(refusal({ Cmd: 'echo' }, execCreateBody), 'json: cannot unmarshal string into Go struct field ExecConfig.Cmd of type []string');
  assert.equal(refusal({ Name: 'n', IPAM: { Config: [{ Subnet: 5 }] } }, networkCreateBody), 'json: cannot unmarshal number into Go struct field IPAMConfig.IPAM.Config.Subnet of type string');
  assert.equal(refusal({ Name: 'v', DriverOpts: [] }, volumeCreateBody), 'json: cannot unmarshal array into Go struct field VolumeCreateBody.DriverOpts of type map[string]string');
});

test('Go\'s rules: null leaves a field unset and is a zero value in lists and maps; keys match case-insensitively; unknown keys are dropped', () => {
  const d = decodeBody<Record<string, unknown>>({
    Image: 'busybox', Tty: null, Env: ['A=1', null], Labels: { a: null }, labels2: 1, cmd: 'echo hi',
    HostConfig: { privileged: true, Memory: null, ConsoleSize: [1, 2, 3], Bogus: { x: 1 } },
  }, createBody);
  assert.deepEqual(d, { Image: 'busybox', Env: ['A=1', ''], Labels: { a: '' }, Cmd: ['echo hi'], HostConfig: { Privileged: true, ConsoleSize: [1, 2] } });
  assert.deepEqual(decodeBody({ Entrypoint: [], Shell: ['sh', '-c'] }, createBody), { Entrypoint: [], Shell: ['sh', '-c'] });
  assert.deepEqual(decodeBody(undefined, createBody), {});
  assert.deepEqual(decodeBody(null, createBody), {});
});

test('integers: Go\'s ranges per type', () => {
  assert.deepEqual(decodeBody({ HostConfig: { Memory: 2 ** 63 - 1024, BlkioWeight: 65535 } }, createBody), { HostConfig: { Memory: 2 ** 63 - 1024, BlkioWeight: 65535 } });
  // Written back by JSON.stringify as -9223372036854776000, which Go cannot read: refused.
  assert.match(refusal({ HostConfig: { Memory: -(2 ** 63) } }), /cannot unmarshal number -9223372036854776000 into .* of type int64/);
  assert.match(refusal({ HostConfig: { Memory: 2 ** 63 } }), /cannot unmarshal number 9223372036854776000 into Go struct field HostConfig.HostConfig.Memory of type int64/);
  assert.match(refusal({ HostConfig: { BlkioWeight: 65536 } }), /number 65536 into .* of type uint16/);
  assert.match(refusal({ StopTimeout: 1.5 }), /number 1.5 into Go struct field ContainerConfigWrapper.StopTimeout of type int/);
});

test('repair mode drops what does not fit and says where', () => {
  const { value, problems } = repairValue<Record<string, unknown>>({ Labels: { a: 5, b: 'ok' }, Env: ['A=1', 7], Tty: 'yes', User: 'u' }, containerConfig);
  assert.deepEqual(value, { Labels: { b: 'ok' }, Env: ['A=1'], User: 'u' });
  assert.deepEqual(problems.map((p) => p.path), ['Labels["a"]', 'Env[1]', 'Tty']);
  assert.match(problems[0].message, /cannot unmarshal number into Go struct field Config.Labels of type string/);
});
